/**
 * Checking GPU profiles against published figures: whole-model batch-1 latency of ResNet-50 and BERT-base, and
 * the time to upload ResNet-50's weights, as the simulator predicts them for one request alone on an idle
 * device (inputs up, run overhead, device time, outputs down; weights are resident for the latency, uploaded
 * for the transfer figure). The published rows are those of ../shared/GPU-ANCHORS.md, with their regimes:
 * none is onnxruntime's CUDA provider in FP32, the regime the profiles model, so the comparison brackets
 * rather than matches (compiled FP16 engines are faster, PyTorch eager is slower).
 */
import { fileOrder } from '../../graph/order';
import { loadable } from '../../partition/build';
import { propose } from '../../partition/propose';
import { SimBackend } from '../../sim/sim-backend';
import { openModel } from '../model-source';

export interface Published {
  readonly what: 'resnet50-b1' | 'bert-base-b1' | 'resnet50-weights';
  readonly device: string;
  readonly ms: number;
  readonly regime: string;
  readonly source: string;
}

export const PUBLISHED: readonly Published[] = [
  { what: 'resnet50-b1', device: 'a100', ms: 7.68, regime: 'PyTorch eager', source: 'facebookincubator/AITemplate examples/01_resnet-50/README.md (A100-40GB)' },
  { what: 'resnet50-b1', device: 'a100', ms: 2.128, regime: 'Triton + onnxruntime-TensorRT FP16, client average', source: 'NVIDIA/DeepLearningExamples PyTorch/Classification/ConvNets/triton/resnet50/README.md (A100-80GB)' },
  { what: 'resnet50-b1', device: 'a100', ms: 0.58, regime: 'AITemplate FP16', source: 'facebookincubator/AITemplate examples/01_resnet-50/README.md (A100-40GB)' },
  { what: 'resnet50-b1', device: 'v100', ms: 2.838, regime: 'Triton + onnxruntime-TensorRT FP16, client average', source: 'NVIDIA/DeepLearningExamples ConvNets triton resnet50 README (V100-32GB)' },
  { what: 'resnet50-b1', device: 'v100', ms: 2.73, regime: 'TVM FP32 (ResNet-50 v2)', source: 'Clockwork (OSDI\'20) model-check documentation' },
  { what: 'bert-base-b1', device: 'a100', ms: 8.02, regime: 'PyTorch eager, seq 128', source: 'facebookincubator/AITemplate examples/03_bert/README.md (A100-40GB)' },
  { what: 'bert-base-b1', device: 'a100', ms: 0.67, regime: 'TensorRT FP16, seq 128', source: 'NVIDIA/TensorRT demo/BERT/README.md (A100-40GB)' },
  { what: 'resnet50-weights', device: 'v100', ms: 8.31, regime: 'pinned host memory, PCIe 3', source: 'Clockwork (OSDI\'20)' },
  { what: 'resnet50-weights', device: 'v100', ms: 17.66, regime: 'cold start on demand (includes more than the copy)', source: 'Sys-KU/DeepPlan README (EuroSys\'23)' },
];

export interface AnchorCheck {
  readonly profile: string;
  readonly what: Published['what'];
  readonly simMs: number;
  readonly published: readonly (Published & { ratio: number })[];
}

interface ModelFigures { aloneMs: number; uploadMs: number }

/** The whole model as one task, asked of the simulated backend: one request alone, and its weights' upload. */
async function figures(ref: string, backend: SimBackend, options: { batch: number; seq?: number }): Promise<ModelFigures> {
  const model = await openModel(ref, options);
  const plan = propose(model.graph, fileOrder(model.graph), { granularity: 'model' });
  const { runMs, uploadMs } = await backend.alone(loadable(backend.taskModels(plan)[0]));
  return { aloneMs: runMs, uploadMs };
}

/** Simulated figures for each simulated backend (sim/open.ts opens them) next to the published ones for its device. */
export async function checkAnchors(backends: readonly SimBackend[]): Promise<AnchorCheck[]> {
  const checks: AnchorCheck[] = [];
  for (const backend of backends) {
    const { profile } = backend;
    const resnet = await figures('zoo:resnet50', backend, { batch: 1 });
    const bert = await figures('zoo:bert-base', backend, { batch: 1, seq: 128 });
    const sims: Record<Published['what'], number> = { 'resnet50-b1': resnet.aloneMs, 'bert-base-b1': bert.aloneMs, 'resnet50-weights': resnet.uploadMs };
    for (const what of Object.keys(sims) as Published['what'][]) {
      const simMs = sims[what];
      const published = PUBLISHED.filter((p) => p.what === what && p.device === profile.name).map((p) => ({ ...p, ratio: simMs / p.ms }));
      checks.push({ profile: profile.name, what, simMs, published });
    }
  }
  return checks;
}
