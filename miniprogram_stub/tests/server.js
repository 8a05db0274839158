// Starts `python -m tests.stubserver` (a fresh SQLite database, or PostgreSQL when TEST_DATABASE_URL names one; the
// fake WeChat when the project has one; a free loopback port) and waits until it answers. PYTHON overrides the interpreter (default: the project's .venv).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');

const ROOT = path.resolve(__dirname, '..', '..');

function pythonPath() {
  if (process.env.PYTHON) return process.env.PYTHON;
  const venv = path.join(ROOT, '.venv', 'bin', 'python');
  return fs.existsSync(venv) ? venv : 'python3';
}

async function waitHealthy(baseUrl, deadlineMs) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.status === 200) return;
    } catch (e) { /* not up yet */ }
    if (Date.now() > until) throw new Error(`server at ${baseUrl} did not become healthy`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startServer() {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const child = spawn(pythonPath(), ['-m', 'tests.stubserver'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const lines = readline.createInterface({ input: child.stdout });
  let startTimer;
  const first = await Promise.race([
    new Promise((resolve) => lines.once('line', resolve)),
    exited.then(({ code }) => { throw new Error(`stub server exited (${code}) before it started`); }),
    new Promise((_, reject) => {
      startTimer = setTimeout(() => reject(new Error('stub server did not start in 120 s')), 120000);
    }),
  ]).finally(() => clearTimeout(startTimer));
  const info = JSON.parse(first);
  await waitHealthy(info.base_url, 120000);
  return {
    ...info,
    async stop() {
      child.stdin.end();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    },
  };
}

module.exports = { startServer, ROOT };
