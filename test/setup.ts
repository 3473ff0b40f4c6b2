// Loaded by vitest before every test file. Keeps the environment of the developer's shell
// (DATABASE_URL, LOG_LEVEL, …) from leaking into tests that build their own Config.
process.env.TZ = 'UTC';
