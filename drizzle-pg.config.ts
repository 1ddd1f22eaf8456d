import { defineConfig } from 'drizzle-kit';

// The PostgreSQL twin of drizzle.config.ts (decision 0011): `npm run db:generate` runs both.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema-pg.ts',
  out: './migrations-pg',
});
