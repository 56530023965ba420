/**
 * Every problem code that crosses the bridge has its words in both languages: none missing, none empty,
 * every parameter shown, and the Indonesian text is not the English one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { problemOfReason } from '../../src/shared/errors';
import type { ProblemCode, ProblemOf } from '../../src/shared/problems';
import { parseDeployConfig } from '../../src/ui/deploy-config-schema';
import { PROBLEM_TEXT, problemText } from '../../src/ui/problem-text';

/** One example of every code (the mapped type makes a missing code a compile error). */
const EXAMPLES: { [C in ProblemCode]: ProblemOf<C> } = {
  'settings.server-url-missing': { code: 'settings.server-url-missing' },
  'settings.store-id-missing': { code: 'settings.store-id-missing' },
  'settings.server-url-scheme': { code: 'settings.server-url-scheme' },
  'settings.out-of-range': { code: 'settings.out-of-range', setting: 'concurrency' },
  'config.unreadable': { code: 'config.unreadable', status: 403 },
  'config.not-an-object': { code: 'config.not-an-object' },
  'config.malformed': {
    code: 'config.malformed',
    fields: [{ field: 'storeId', rule: 'text' }],
  },
  'auth.wrong-credentials': { code: 'auth.wrong-credentials', credentials: 'password' },
  'auth.expired': { code: 'auth.expired' },
  'http.unreachable': { code: 'http.unreachable', server: 'http://ho.test' },
  'http.cors': { code: 'http.cors', server: 'http://ho.test', origin: 'http://app.test' },
  'http.blocked-by-policy': {
    code: 'http.blocked-by-policy',
    server: 'http://ho.test',
    allowed: ['http://app.test'],
  },
  'http.not-pps-server': {
    code: 'http.not-pps-server',
    server: 'http://ho.test',
    reason: 'HTTP 404',
  },
  'http.server-error': { code: 'http.server-error', reason: 'HTTP 503' },
  'http.offline': { code: 'http.offline' },
  'http.status': { code: 'http.status', status: 502 },
  'http.timeout': { code: 'http.timeout' },
  'http.connection-closed': { code: 'http.connection-closed' },
  'http.invalid-response': { code: 'http.invalid-response', field: 'photos[3].checksum' },
  'store.not-found': { code: 'store.not-found', storeId: 'S-1' },
  'store.not-listed': { code: 'store.not-listed', storeId: 'S-1' },
  'store.forbidden': { code: 'store.forbidden', storeId: 'S-1' },
  'sync.checksum-mismatch': { code: 'sync.checksum-mismatch' },
  'sync.size-mismatch': { code: 'sync.size-mismatch' },
  'sync.unsupported-image-type': { code: 'sync.unsupported-image-type' },
  'sync.listing-unstable': { code: 'sync.listing-unstable' },
  'sync.stopped': { code: 'sync.stopped' },
  'storage.full': { code: 'storage.full' },
  'bridge.no-service-worker': { code: 'bridge.no-service-worker' },
  'bridge.not-ready': { code: 'bridge.not-ready', waiting: false },
  'bridge.timeout': { code: 'bridge.timeout', command: 'get-state', seconds: 15 },
  internal: { code: 'internal', detail: 'boom' },
};

test('every code has a text in both languages, showing its parameters, Indonesian unlike English', () => {
  const codes = Object.keys(EXAMPLES) as ProblemCode[];
  assert.deepEqual(Object.keys(PROBLEM_TEXT.en).sort(), [...codes].sort());
  assert.deepEqual(Object.keys(PROBLEM_TEXT.id).sort(), [...codes].sort());
  for (const code of codes) {
    const problem = EXAMPLES[code];
    const en = problemText('en', problem);
    const id = problemText('id', problem);
    for (const text of [en, id]) {
      assert.ok(text.trim().length > 0, `${code}: empty`);
      assert.doesNotMatch(text, /undefined|\[object/, `${code}: ${text}`);
      for (const value of Object.values(problem).filter(
        (v) => v !== code && typeof v !== 'boolean' && !Array.isArray(v),
      ))
        if (!(code === 'auth.wrong-credentials'))
          assert.ok(text.includes(String(value)), `${code}: ${text} lacks ${String(value)}`);
    }
    assert.notEqual(id, en, `${code}: not translated`);
  }
});

test('each variant of wrong credentials says what was refused, in both languages', () => {
  for (const lang of ['en', 'id'] as const) {
    const texts = (['password', 'token', 'session'] as const).map((credentials) =>
      problemText(lang, { code: 'auth.wrong-credentials', credentials }),
    );
    assert.equal(new Set(texts).size, 3, texts.join(' | '));
  }
});

test('every reason a failure is reported with has its problem, hence its words', () => {
  const reasons = [
    'authentication failed',
    'checksum mismatch',
    'size mismatch',
    'storage full',
    'network error',
    'connection closed',
    'timeout',
    'listing kept changing',
    'aborted',
    'HTTP 503',
    'invalid response: photos[3].checksum',
  ];
  for (const reason of reasons) {
    const problem = problemOfReason(reason);
    assert.notEqual(problem.code, 'internal', reason);
    assert.notEqual(problemText('id', problem), problemText('en', problem));
  }
  assert.deepEqual(problemOfReason('HTTP 503'), { code: 'http.status', status: 503 });
  assert.deepEqual(problemOfReason('something new'), { code: 'internal', detail: 'something new' });
});

test('config.json: each broken field is named with its rule, in both languages; none of it applied', () => {
  const cases = [
    ['{"storeId": 42, "colour": "red"}', ['storeId', 'colour']],
    [
      '{"concurrency": 0, "serverUrl": "ftp://x", "tokenPath": "api"}',
      ['concurrency', 'serverUrl', 'tokenPath'],
    ],
    [
      '{"listMethod": "PUT", "companyId": "a b", "imageOrigins": ["x"]}',
      ['listMethod', 'companyId', 'imageOrigins'],
    ],
  ] as const;
  for (const [json, names] of cases) {
    const result = parseDeployConfig(JSON.parse(json));
    assert.equal(result.ok, false, json);
    if (result.ok) continue;
    assert.equal(result.problem.code, 'config.malformed');
    const texts = (['en', 'id'] as const).map((l) => problemText(l, result.problem));
    for (const text of texts) for (const name of names) assert.ok(text.includes(`"${name}"`), text);
    assert.notEqual(texts[0], texts[1]);
    assert.match(texts[0] ?? '', /allowed: |must be/);
  }
  const unknown = parseDeployConfig({ colour: 'red' });
  assert.ok(!unknown.ok && problemText('en', unknown.problem).includes('serverUrl, storeId'));
  assert.deepEqual(parseDeployConfig([1]), {
    ok: false,
    problem: { code: 'config.not-an-object' },
  });
  assert.deepEqual(parseDeployConfig({ storeId: 'S1', concurrency: 3 }), {
    ok: true,
    config: { storeId: 'S1', concurrency: 3 },
  });
});
