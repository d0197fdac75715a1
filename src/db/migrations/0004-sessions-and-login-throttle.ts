/**
 * Sessions that can end before they expire, and the counts of log-in and sign-up attempts that
 * throttle the next ones — both in the database, the state every instance shares (issue 13).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sessions')
    // 144 random bits, named by the signed session cookie (tenancy/session.ts).
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('tenant_id', 'integer', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // Sign-out-everywhere and a password change delete by user; the clean-up by expiry.
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();
  await db.schema.createIndex('sessions_expires_idx').on('sessions').column('expires_at').execute();

  await db.schema
    .createTable('throttle_counts')
    // `account-address:<client prefix>|<email>`, `address:<client prefix>`, `account:<email>` (log-ins,
    // tenancy/login-throttle.ts) or `signup:<client prefix>` (tenancy/signup-throttle.ts).
    .addColumn('key', 'text', (c) => c.primaryKey())
    // Attempts in a row, counted before a password is hashed (forgotten a while after the last one).
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_at', 'timestamptz', (c) => c.notNull())
    // The attempt before the last, which the last one's wait is measured from: the upsert that
    // counts an attempt returns it, so the count and the wait are read in one atomic statement.
    .addColumn('previous_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('throttle_counts_last_at_idx').on('throttle_counts').column('last_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('throttle_counts').ifExists().execute();
  await db.schema.dropTable('sessions').ifExists().execute();
}
