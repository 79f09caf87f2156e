/** Messages between the CPU backend and its worker lanes (see ort-worker.ts). */
export interface PlainTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: ArrayBufferView | readonly string[];
}

export type WorkerRequest =
  | { readonly kind: 'load'; readonly sessionId: number; readonly bytes: Uint8Array; readonly threads: number }
  | { readonly kind: 'run'; readonly callId: number; readonly sessionId: number; readonly feeds: Record<string, PlainTensor> }
  | { readonly kind: 'release'; readonly sessionId: number };

export type WorkerReply =
  | { readonly kind: 'loaded'; readonly sessionId: number; readonly inputNames: string[]; readonly outputNames: string[] }
  | { readonly kind: 'result'; readonly callId: number; readonly outputs: Record<string, PlainTensor> }
  | { readonly kind: 'failed'; readonly sessionId?: number; readonly callId?: number; readonly message: string };
