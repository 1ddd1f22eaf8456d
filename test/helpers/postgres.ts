// The PostgreSQL sandbox lives in tools/ (benchmarks use it too, decision 0009 #17); tests import it from here.
export { postgresBinDir, startPostgres, type PostgresServer } from '../../tools/postgres.js';
