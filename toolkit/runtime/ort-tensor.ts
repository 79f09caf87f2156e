/** Host tensors for the onnxruntime backends (cpu lanes, webgpu, cuda): the body of their `Backend.tensor`. */
import * as ort from 'onnxruntime-node';
import { TensorArray, TensorHandle } from './backend';

export function ortTensor(type: string, data: TensorArray, dims: readonly number[]): TensorHandle {
  return new ort.Tensor(type as ort.Tensor.Type, data as ort.Tensor.DataType, [...dims]) as TensorHandle;
}
