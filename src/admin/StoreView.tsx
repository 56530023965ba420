/** One store: its terminals, products with no primary photo and photos no terminal holds yet. */
import { useState } from 'preact/hooks';
import type { StoreDetail } from '../shared/fleet-api';
import { num, t, time } from './messages';
import { usePolled } from './polling';
import { FailureNote, Pager, Section, Table } from './parts';
import { TerminalCells, terminalHead } from './TerminalCells';

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
            <Table
              head={terminalHead()}
              rows={data.terminals}
              empty={m.noTerminals}
              rowKey={(term) => term.terminal_id}
              cells={(term) => (
                <TerminalCells storeId={storeId} terminal={term} photos={data.store.photos} />
              )}
            />
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
            <Table
              head={[m.product, m.file, m.changed]}
              rows={data.unsynced}
              empty={m.gapsNone}
              rowKey={(p) => p.photo_id}
              cells={(p) => (
                <>
                  <th scope="row">{p.product_name}</th>
                  <td>{p.filename}</td>
                  <td>{time(p.updated_at)}</td>
                </>
              )}
            />
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
