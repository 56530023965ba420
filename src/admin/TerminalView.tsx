/** One terminal: its summary, failing photos with reasons, photos it lacks (paged) and report history. */
import { useState } from 'preact/hooks';
import type { TerminalDetail } from '../shared/fleet-api';
import { num, t, time } from './messages';
import { usePolled } from './polling';
import { FailureNote, hrefOf, Pager, Section, StateBadge } from './parts';

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
            {term.failures.length === 0 ? (
              <p>{m.noFailures}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{m.product}</th>
                    <th scope="col">{m.reason}</th>
                    <th scope="col">{m.when}</th>
                  </tr>
                </thead>
                <tbody>
                  {term.failures.map((f) => (
                    <tr key={f.photo_id}>
                      <th scope="row">{f.product_name ?? f.photo_id}</th>
                      <td>{f.error ?? m.noReason}</td>
                      <td>{time(f.reported_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
          <Section id="unsynced-title" title={m.unsyncedTitle}>
            {data.total === 0 ? (
              <p>{m.allSynced}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{m.product}</th>
                    <th scope="col">{m.file}</th>
                    <th scope="col">{m.version}</th>
                    <th scope="col">{m.changed}</th>
                    <th scope="col">{m.lastStatus}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.unsynced.map((p) => (
                    <tr key={p.photo_id}>
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
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
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
            {data.reports.length === 0 ? (
              <p>{m.noReports}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{m.when}</th>
                    <th scope="col">{m.items}</th>
                    <th scope="col">{m.synced}</th>
                    <th scope="col">{m.failedCol}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.reports.map((r, i) => (
                    <tr key={`${r.reported_at}-${i}`}>
                      <th scope="row">{time(r.reported_at)}</th>
                      <td>{num(r.items)}</td>
                      <td>{num(r.synced)}</td>
                      <td>{num(r.failed)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
        </>
      )}
    </>
  );
}
