/**
 * Headless Chromium (Debian's /usr/bin/chromium), run once per call with a fresh profile folder and without
 * any network chatter. Used to turn figures into images and to look at exported notebooks.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { QuiltError } from '../core/errors';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium binary: $QUILT_CHROMIUM, else the first of `candidates` (the usual places) that exists. */
export function chromiumPath(candidates: readonly string[] = CANDIDATES): string {
  const chosen = process.env.QUILT_CHROMIUM;
  if (chosen) {
    if (!fs.existsSync(chosen)) throw new QuiltError(`QUILT_CHROMIUM=${chosen}: no such file`);
    return chosen;
  }
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) {
    throw new QuiltError('headless Chromium is needed to draw images and was not found at /usr/bin/chromium: '
      + 'install it with `apt-get install chromium` (or set QUILT_CHROMIUM to a Chrome binary)');
  }
  return found;
}

export interface ChromiumOptions {
  /** Viewport size in CSS pixels. */
  width?: number;
  height?: number;
  /** Virtual time the page may use before the DOM is dumped or the screenshot taken (ms). */
  virtualTimeMs?: number;
  /** A guard against a hung browser (ms of real time); not a benchmark limit. */
  killAfterMs?: number;
}

export interface ChromiumResult {
  stdout: string;
  stderr: string;
}

/**
 * Opens `url` in headless Chromium with `action` (e.g. ['--dump-dom'] or ['--screenshot=/x.png']) and
 * returns what it printed. Throws with Chromium's last words when it fails.
 */
export function runChromium(url: string, action: readonly string[], options: ChromiumOptions = {}): ChromiumResult {
  const binary = chromiumPath();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-chromium-'));
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage', '--hide-scrollbars', '--mute-audio',
    `--user-data-dir=${profile}`,
    `--window-size=${options.width ?? 1000},${options.height ?? 700}`,
    `--virtual-time-budget=${options.virtualTimeMs ?? 20000}`,
    ...action,
    url,
  ];
  try {
    const result = spawnSync(binary, args, {
      encoding: 'utf8',
      maxBuffer: 512 * 2 ** 20,
      timeout: options.killAfterMs ?? 180000,
      env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? profile, HOME: profile },
    });
    if (result.error) throw new QuiltError(`chromium: ${result.error.message}`);
    if (result.status !== 0) {
      const tail = result.stderr.trim().split('\n').slice(-3).join(' | ');
      throw new QuiltError(`chromium exited with ${result.status ?? result.signal}: ${tail}`);
    }
    return { stdout: result.stdout, stderr: result.stderr };
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/** The DOM of the page at `url` after its scripts ran (within the virtual time budget). */
export function dumpDom(url: string, options: ChromiumOptions = {}): string {
  return runChromium(url, ['--dump-dom'], options).stdout;
}

/** A PNG screenshot of the page at `url`, written to `pngPath`. */
export function screenshot(url: string, pngPath: string, options: ChromiumOptions = {}): void {
  fs.mkdirSync(path.dirname(path.resolve(pngPath)), { recursive: true });
  runChromium(url, [`--screenshot=${path.resolve(pngPath)}`], options);
  if (!fs.existsSync(pngPath)) throw new QuiltError(`chromium wrote no screenshot to ${pngPath}`);
}
