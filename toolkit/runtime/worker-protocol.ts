/**
 * Messages between the CPU backend and its worker lanes (see ort-worker.ts and lane.ts).
 *
 * A feed is either host data (`WireTensor`, cloned into the lane, or transferred when the backend owns it) or a
 * reference to a tensor already resident in the lane (`{ resident: id }`). A run names which of its outputs stay
 * resident (`keep`: output name -> id chosen by the backend); those come back as shape only. The others come
 * back as data, their buffers transferred (no copy).
 */
export interface WireTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: ArrayBufferView | readonly string[];
}

export interface TensorShape {
  readonly type: string;
  readonly dims: readonly number[];
}

/** Host data (kept resident under `keepAs` when given: a tensor moved here from another lane), or a resident id. */
export type WireFeed = { readonly host: WireTensor; readonly keepAs?: number } | { readonly resident: number };

/** What a lane is told to do wrong, for tests of crash handling: on its next run, before it replies. */
export type LaneFault = 'throw' | 'exit' | 'oom';

export type WorkerRequest =
  | { readonly kind: 'load'; readonly sessionId: number; readonly bytes: Uint8Array; readonly threads: number }
  | {
      readonly kind: 'run'; readonly callId: number; readonly sessionId: number;
      readonly feeds: Record<string, WireFeed>; readonly keep: Record<string, number>;
    }
  | { readonly kind: 'release'; readonly sessionId: number }
  /** Forget resident tensors. */
  | { readonly kind: 'drop'; readonly ids: readonly number[] }
  /** Hand resident tensors back (transferred) and forget them: the first half of a lane-to-lane move. */
  | { readonly kind: 'take'; readonly callId: number; readonly ids: readonly number[] }
  | { readonly kind: 'fault'; readonly fault: LaneFault }
  /** Release every session and forget every resident tensor, then say so: the lane is about to be terminated. */
  | { readonly kind: 'close'; readonly callId: number };

export type WorkerReply =
  | { readonly kind: 'loaded'; readonly sessionId: number; readonly inputNames: string[]; readonly outputNames: string[] }
  | {
      readonly kind: 'result'; readonly callId: number;
      readonly outputs: Record<string, WireTensor>; readonly kept: Record<string, TensorShape>;
    }
  | { readonly kind: 'taken'; readonly callId: number; readonly tensors: Record<number, WireTensor> }
  | { readonly kind: 'closed'; readonly callId: number }
  | { readonly kind: 'failed'; readonly sessionId?: number; readonly callId?: number; readonly message: string };
