/** Store picker shown after signing in to a server that lists the account's stores. */
import { useSignal } from '@preact/signals';
import type { StoreChoice } from '../../shared/messages';
import { defineMessages } from '../i18n';
import { busy, chooseStore } from '../state';

const messages = defineMessages(
  { legend: 'Choose the store of this terminal', use: 'Use this store' },
  { legend: 'Pilih toko untuk terminal ini', use: 'Gunakan toko ini' },
);

/** Lists `stores` as radio buttons; "Use this store" starts the first sync. */
export function StorePicker({ stores }: { stores: StoreChoice[] }) {
  const m = messages();
  const chosen = useSignal(stores[0]?.id ?? '');
  const store = stores.find((s) => s.id === chosen.value);
  return (
    <form
      class="store-picker"
      onSubmit={(e) => {
        e.preventDefault();
        if (store !== undefined) void chooseStore(store);
      }}
    >
      <fieldset>
        <legend>{m.legend}</legend>
        {stores.map((s) => (
          <label class="check" key={s.id}>
            <input
              type="radio"
              name="store"
              value={s.id}
              checked={chosen.value === s.id}
              onChange={() => (chosen.value = s.id)}
            />
            <span>
              {s.code} · {s.name}
            </span>
          </label>
        ))}
      </fieldset>
      <button type="submit" class="primary" disabled={busy.value || store === undefined}>
        {m.use}
      </button>
    </form>
  );
}
