/**
 * The refresh-token blacklist in the database (table revoked_tokens), so a refresh token used on one
 * instance is refused by every other instance and after any restart.
 */
import type { Kysely } from 'kysely';
import type { TokenBlacklist } from '../auth/tokens';
import type { DatabaseSchema } from './schema';

/** TokenBlacklist over the revoked_tokens table. */
export class SqlTokenBlacklist implements TokenBlacklist {
  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  async has(jti: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('revoked_tokens')
      .select('jti')
      .where('jti', '=', jti)
      .executeTakeFirst();
    return !!row;
  }

  async add(jti: string, expS: number, nowS: number): Promise<boolean> {
    // Entries past their token's own expiry are useless: the token is refused as expired anyway.
    await this.db.deleteFrom('revoked_tokens').where('expires_s', '<=', nowS).execute();
    const inserted = await this.db
      .insertInto('revoked_tokens')
      .values({ jti, expires_s: expS })
      .onConflict((oc) => oc.column('jti').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
  }
}
