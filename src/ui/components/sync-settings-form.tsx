/**
 * The terminal's name (what Head Office's console shows), sync interval, concurrency and delay, and (advanced) the HO's list method and company id: validated
 * here, then saved to the engine (which validates again).
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { JSX } from 'preact';
import type { TunableSettings } from '../../shared/messages';
import {
  isCompanyId,
  isTerminalName,
  LIST_METHODS,
  type ListMethod,
  TERMINAL_NAME_MAX,
} from '../../shared/types';
import { bridgeProblemOf } from '../bridge';
import { defineMessages, lang } from '../i18n';
import { problemText } from '../problem-text';
import { LIMITS, loadTunables, saveTunables, tunables } from '../settings';

const messages = defineMessages(
  {
    title: 'Sync',
    terminalName: 'Terminal name (shown to Head Office, e.g. "Kasir 1")',
    badTerminalName: (max: number) =>
      `Terminal name: at most ${max} characters, without line breaks or tabs.`,
    interval: 'Sync interval (minutes)',
    concurrency: 'Parallel downloads',
    delay: 'Pause between downloads (ms)',
    save: 'Save sync settings',
    saved: 'Sync settings saved.',
    loading: 'Loading…',
    outOfRange: (label: string, min: number, max: number) =>
      `${label}: enter a whole number from ${min} to ${max}.`,
    refused: (reason: string) => `Not saved: ${reason}`,
    advanced: 'Advanced (Head Office)',
    listMethod: 'Photo list request',
    methodAuto: 'Automatic (GET, POST when the HO asks for it)',
    methodGet: 'GET (as documented)',
    methodPost: 'POST (as the upstream HO is deployed)',
    companyId: 'Company ID (sent with POST lists; optional)',
    badCompanyId: 'Company ID: use letters, digits, . _ ~ - only.',
  },
  {
    title: 'Sinkronisasi',
    terminalName: 'Nama terminal (terlihat oleh Kantor Pusat, mis. "Kasir 1")',
    badTerminalName: (max: number) =>
      `Nama terminal: paling banyak ${max} karakter, tanpa baris baru atau tab.`,
    interval: 'Interval sinkronisasi (menit)',
    concurrency: 'Unduhan paralel',
    delay: 'Jeda antar unduhan (md)',
    save: 'Simpan pengaturan sinkronisasi',
    saved: 'Pengaturan sinkronisasi disimpan.',
    loading: 'Memuat…',
    outOfRange: (label: string, min: number, max: number) =>
      `${label}: masukkan bilangan bulat dari ${min} sampai ${max}.`,
    refused: (reason: string) => `Tidak disimpan: ${reason}`,
    advanced: 'Lanjutan (Kantor Pusat)',
    listMethod: 'Permintaan daftar foto',
    methodAuto: 'Otomatis (GET, POST bila diminta KP)',
    methodGet: 'GET (sesuai dokumentasi)',
    methodPost: 'POST (seperti KP upstream dipasang)',
    companyId: 'ID Perusahaan (dikirim dengan daftar POST; opsional)',
    badCompanyId: 'ID Perusahaan: gunakan huruf, angka, . _ ~ - saja.',
  },
);

type Field = keyof typeof LIMITS;

/** Parses a whole number within the field's limits, or null. */
function parseField(raw: string, field: Field): number | null {
  const n = Number(raw.trim());
  const { min, max } = LIMITS[field];
  return raw.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : null;
}

/** The sync settings form. */
export function SyncSettingsForm() {
  const m = messages();
  const values = useSignal<Record<Field, string> | null>(null);
  const name = useSignal('');
  const advanced = useSignal<Pick<TunableSettings, 'listMethod' | 'companyId'>>({
    listMethod: 'auto',
    companyId: '',
  });
  const outcome = useSignal<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    void loadTunables().then(() => {
      const t = tunables.value;
      if (t !== null)
        values.value = {
          intervalMinutes: String(Math.round(t.syncIntervalMs / 60_000)),
          concurrency: String(t.concurrency),
          delayMs: String(t.delayMs),
        };
      if (t !== null) advanced.value = { listMethod: t.listMethod, companyId: t.companyId };
      if (t !== null) name.value = t.terminalName;
    });
  }, []);
  const current = values.value;
  if (current === null) return <p class="meta">{m.loading}</p>;
  const methodLabels: Record<ListMethod, string> = {
    auto: m.methodAuto,
    GET: m.methodGet,
    POST: m.methodPost,
  };
  const labels: Record<Field, string> = {
    intervalMinutes: m.interval,
    concurrency: m.concurrency,
    delayMs: m.delay,
  };

  const submit = (event: JSX.TargetedEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const parsed = {} as Record<Field, number>;
    for (const field of Object.keys(LIMITS) as Field[]) {
      const n = parseField(current[field], field);
      if (n === null) {
        outcome.value = {
          ok: false,
          text: m.outOfRange(labels[field], LIMITS[field].min, LIMITS[field].max),
        };
        return;
      }
      parsed[field] = n;
    }
    const terminalName = name.value.trim();
    if (!isTerminalName(terminalName)) {
      outcome.value = { ok: false, text: m.badTerminalName(TERMINAL_NAME_MAX) };
      return;
    }
    const companyId = advanced.value.companyId.trim();
    if (!isCompanyId(companyId)) {
      outcome.value = { ok: false, text: m.badCompanyId };
      return;
    }
    const settings: TunableSettings = {
      syncIntervalMs: parsed.intervalMinutes * 60_000,
      concurrency: parsed.concurrency,
      delayMs: parsed.delayMs,
      listMethod: advanced.value.listMethod,
      companyId,
      terminalName,
    };
    void saveTunables(settings).then(
      (refused) =>
        (outcome.value =
          refused === null
            ? { ok: true, text: m.saved }
            : { ok: false, text: m.refused(problemText(lang.value, refused)) }),
      (err: unknown) =>
        (outcome.value = {
          ok: false,
          text: m.refused(problemText(lang.value, bridgeProblemOf(err))),
        }),
    );
  };

  return (
    <form class="settings-form" onSubmit={submit} noValidate aria-labelledby="sync-settings-title">
      <h3 id="sync-settings-title">{m.title}</h3>
      <label class="field">
        <span>{m.terminalName}</span>
        <input
          type="text"
          autoComplete="off"
          maxLength={TERMINAL_NAME_MAX}
          value={name.value}
          onInput={(e) => {
            name.value = e.currentTarget.value;
            outcome.value = null;
          }}
        />
      </label>
      {(Object.keys(LIMITS) as Field[]).map((field) => (
        <label class="field" key={field}>
          <span>{labels[field]}</span>
          <input
            type="number"
            inputMode="numeric"
            min={LIMITS[field].min}
            max={LIMITS[field].max}
            step={1}
            value={current[field]}
            onInput={(e) => {
              values.value = { ...current, [field]: e.currentTarget.value };
              outcome.value = null;
            }}
          />
        </label>
      ))}
      <details class="advanced">
        <summary>{m.advanced}</summary>
        <label class="field">
          <span>{m.listMethod}</span>
          <select
            value={advanced.value.listMethod}
            onChange={(e) => {
              const listMethod = e.currentTarget.value as ListMethod;
              advanced.value = { ...advanced.value, listMethod };
              outcome.value = null;
            }}
          >
            {LIST_METHODS.map((method) => (
              <option key={method} value={method}>
                {methodLabels[method]}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>{m.companyId}</span>
          <input
            type="text"
            spellcheck={false}
            value={advanced.value.companyId}
            onInput={(e) => {
              advanced.value = { ...advanced.value, companyId: e.currentTarget.value };
              outcome.value = null;
            }}
          />
        </label>
      </details>
      <p class={outcome.value?.ok === false ? 'error' : 'meta'} aria-live="polite">
        {outcome.value?.text ?? ''}
      </p>
      <button type="submit" class="primary">
        {m.save}
      </button>
    </form>
  );
}
