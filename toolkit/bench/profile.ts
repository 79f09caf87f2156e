/**
 * Section `profile`: load + shapes + memory profile of a dynamically quantized conv model (zoo resnet50-dq) at
 * 224x224 and 1024x1024, with the static shape rules on and switched off (so that everything goes through
 * the onnxruntime fallback and its cost is measured), side by side. Each case runs in a fresh process (one
 * warm-up-free run: what a user's command pays) so that its peak RSS is its own.
 * Goals (issue 10): under 2 s per 100 MB of weights, and under 2 GB peak RSS, for every case.
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { zooModelFile } from '../zoo';
import { BenchContext, Row, SectionResult, goal, mib, progress, round } from './report';
import { ProfileCase, ProfileCaseResult } from './profile-case';

function runCase(c: ProfileCase): Promise<ProfileCaseResult> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'profile-case.js'), [JSON.stringify(c)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let answer: { result?: ProfileCaseResult; error?: string } | undefined;
    child.on('message', (m: typeof answer) => { answer = m; });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (answer?.result !== undefined) resolve(answer.result);
      else reject(new Error(answer?.error ?? `profile case exited with ${signal ?? `code ${code}`}`));
    });
  });
}

const GB = 1e9;

export async function benchProfile(ctx: BenchContext): Promise<SectionResult> {
  const file = await zooModelFile('resnet50-dq', { batch: 1 });
  const sides = ctx.quick ? [224] : [224, 1024];
  const rows: Row[] = [];
  let worstPer100MB = 0;
  let worstRss = 0;
  for (const side of sides) {
    for (const staticRules of [true, false]) {
      progress(`profile: resnet50-dq ${side}x${side}, static rules ${staticRules ? 'on' : 'off'}`);
      const r = await runCase({ file, inputShapes: { input: [1, 3, side, side] }, staticRules });
      const totalS = (r.loadMs + r.shapesMs + r.profileMs) / 1000;
      const per100MB = totalS / (r.weightBytes / 1e8);
      worstPer100MB = Math.max(worstPer100MB, per100MB);
      worstRss = Math.max(worstRss, r.maxRssBytes);
      rows.push({
        model: 'resnet50-dq', input: `${side}x${side}`, staticRules: staticRules ? 'on' : 'off', weightsMiB: mib(r.weightBytes),
        peakMiB: mib(r.peakBytes), loadMs: round(r.loadMs, 1), shapesMs: round(r.shapesMs, 1), profileMs: round(r.profileMs, 1),
        totalS: round(totalS), sPer100MB: round(per100MB), fallbackRuns: r.fallbackRuns, fallbackValues: r.fallbackValues,
        peakRssMiB: mib(r.maxRssBytes),
      });
    }
  }
  return {
    section: 'profile', title: 'Load + shapes + profile of a dynamically quantized ResNet-50, static rules on and off (one fresh process each)',
    quick: ctx.quick, measuredAt: new Date().toISOString(), rows,
    goals: [goal('slowest case, seconds per 100 MB of weights', worstPer100MB, 2, ' s'), goal('largest peak RSS', worstRss / GB, 2, ' GB')],
    notes: [
      'static rules off: every node is shaped by the fallback (a wide wave answered by onnxruntime load-time inference; frontier runs only where that is not enough)',
      'peak RSS is the whole process (Node and onnxruntime included)',
    ],
  };
}
