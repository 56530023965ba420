/** One terminal: its summary, failing photos with reasons, photos it lacks (paged) and report history. */
import { useState } from 'preact/hooks';
import type { TerminalDetail } from '../shared/fleet-api';
import { num, t, time } from './messages';
import { usePolled } from './polling';
import { FailureNote, hrefOf, Pager, Section, StateBadge, Table } from './parts';

const PAGE = 50;

/** The terminal page. */
export function TerminalView({ storeId, terminalId }: { storeId: string; terminalId: string }) {
  const m = t();
  const [offset, setOffset] = useState(0);
  const path = `/api/v1/admin/stores/${encodeURIComponent(storeId)}/terminals/${encodeURIComponent(terminalId)}/?limit=${PAGE}&offset=${offset}`;
  const { data, failure } = usePolled<TerminalDetail>(path);
  const term = data?.terminal;
  return (
    <>
      <p>
        <a href={hrefOf(storeId)}>{m.backToStore}</a>
      </p>
      <h1>{m.terminalTitle(term?.name ?? terminalId)}</h1>
      <FailureNote failure={failure} />
      {data && term && (
        <>
          <dl class="facts">
            <dt>{m.store}</dt>
            <dd>
              {data.store.code} · {data.store.name}
            </dd>
            <dt>{m.terminalId}</dt>
            <dd>{term.terminal_id}</dd>
            <dt>{m.state}</dt>
            <dd>
              <StateBadge state={term.state} />
            </dd>
            <dt>{m.synced}</dt>
            <dd>{m.syncedOf(num(term.synced), num(data.store.photos))}</dd>
            <dt>{m.behindSince}</dt>
            <dd>{time(term.behind_since)}</dd>
            <dt>{m.lastReport}</dt>
            <dd>{time(term.last_report_at)}</dd>
            <dt>{m.firstReport}</dt>
            <dd>{time(term.first_report_at)}</dd>
          </dl>
          <Section id="failures-title" title={m.failuresTitle}>
            <Table
              head={[m.product, m.reason, m.when]}
              rows={term.failures}
              empty={m.noFailures}
              rowKey={(f) => f.photo_id}
              cells={(f) => (
                <>
                  <th scope="row">{f.product_name ?? f.photo_id}</th>
                  <td>{f.error ?? m.noReason}</td>
                  <td>{time(f.reported_at)}</td>
                </>
              )}
            />
          </Section>
          <Section id="unsynced-title" title={m.unsyncedTitle}>
            <Table
              head={[m.product, m.file, m.version, m.changed, m.lastStatus]}
              rows={data.unsynced}
              empty={m.allSynced}
              rowKey={(p) => p.photo_id}
              cells={(p) => (
                <>
                  <th scope="row">{p.product_name}</th>
                  <td>{p.filename}</td>
                  <td>{num(p.version)}</td>
                  <td>{time(p.updated_at)}</td>
                  <td>
                    {p.last_status === null
                      ? m.neverReported
                      : p.last_status === 'synced'
                        ? m.olderVersion
                        : `${m.failed}: ${p.error ?? m.noReason}`}
                  </td>
                </>
              )}
            />
            <Pager
              label={m.unsyncedTitle}
              offset={data.offset}
              limit={data.limit}
              shown={data.unsynced.length}
              total={data.total}
              onOffset={setOffset}
            />
          </Section>
          <Section id="reports-title" title={m.reportsTitle}>
            <Table
              head={[m.when, m.items, m.synced, m.failedCol]}
              rows={data.reports}
              empty={m.noReports}
              rowKey={(r, i) => `${r.reported_at}-${i}`}
              cells={(r) => (
                <>
                  <th scope="row">{time(r.reported_at)}</th>
                  <td>{num(r.items)}</td>
                  <td>{num(r.synced)}</td>
                  <td>{num(r.failed)}</td>
                </>
              )}
            />
          </Section>
        </>
      )}
    </>
  );
}
