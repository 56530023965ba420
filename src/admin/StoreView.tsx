/** One store: its terminals, products with no primary photo and photos no terminal holds yet. */
import { useState } from 'preact/hooks';
import type { StoreDetail } from '../shared/fleet-api';
import { num, t, time } from './messages';
import { usePolled } from './polling';
import { FailureNote, hrefOf, Pager, Section } from './parts';
import { TerminalCells } from './TerminalCells';

const PAGE = 50;

/** The store page. */
export function StoreView({ storeId }: { storeId: string }) {
  const m = t();
  const [offset, setOffset] = useState(0);
  const { data, failure } = usePolled<StoreDetail>(
    `/api/v1/admin/stores/${encodeURIComponent(storeId)}/fleet/?limit=${PAGE}&offset=${offset}`,
  );
  return (
    <>
      <p>
        <a href="#/">{m.back}</a>
      </p>
      <h1>{data ? m.storeTitle(data.store.code, data.store.name) : m.store}</h1>
      <FailureNote failure={failure} />
      {data && (
        <>
          <p>{m.storePhotos(num(data.store.photos))}</p>
          <Section id="terminals-title" title={m.terminalsTitle}>
            {data.terminals.length === 0 ? (
              <p>{m.noTerminals}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{m.terminal}</th>
                    <th scope="col">{m.state}</th>
                    <th scope="col">{m.synced}</th>
                    <th scope="col">{m.lastReport}</th>
                    <th scope="col">{m.failing}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.terminals.map((term) => (
                    <tr key={term.terminal_id}>
                      <th scope="row">
                        <a href={hrefOf(storeId, term.terminal_id)}>{term.name ?? m.unnamed}</a>
                        <div class="muted small">{term.terminal_id}</div>
                      </th>
                      <TerminalCells terminal={term} photos={data.store.photos} />
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
          <Section id="no-primary-title" title={m.noPrimaryTitle}>
            {data.products_without_primary.length === 0 ? (
              <p>{m.noPrimaryNone}</p>
            ) : (
              <ul>
                {data.products_without_primary.map((p) => (
                  <li key={p.product_id}>
                    {p.name} ({p.sku}) — {m.productPhotos(num(p.photos))}
                  </li>
                ))}
              </ul>
            )}
          </Section>
          <Section id="gaps-title" title={m.gapsTitle}>
            {data.total === 0 ? (
              <p>{m.gapsNone}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{m.product}</th>
                    <th scope="col">{m.file}</th>
                    <th scope="col">{m.changed}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.unsynced.map((p) => (
                    <tr key={p.photo_id}>
                      <th scope="row">{p.product_name}</th>
                      <td>{p.filename}</td>
                      <td>{time(p.updated_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <Pager
              label={m.gapsTitle}
              offset={data.offset}
              limit={data.limit}
              shown={data.unsynced.length}
              total={data.total}
              onOffset={setOffset}
            />
          </Section>
        </>
      )}
    </>
  );
}
