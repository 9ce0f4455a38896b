/**
 * Initial weights, drawn from the run's 'init' stream layer by layer, row-major; biases start at 0.
 */
import type { Network } from './network';
import type { ModelJson } from './modelJson';
import type { Rng } from '../rng';

export type InitScheme = 'he' | 'xavier';

/**
 * - "he": torch.nn.init.kaiming_normal_ (mode='fan_in', gain √2): w ~ N(0, 2/fan_in) (He et al. 2015).
 * - "xavier": torch.nn.init.xavier_uniform_ (gain 1): w ~ U(-a, a), a = √(6/(fan_in + fan_out)) (Glorot & Bengio 2010).
 */
export function initializeWeights(network: Network, scheme: InitScheme, rng: Rng): void {
  for (const layer of network.layers) {
    const w = layer.weight;
    if (scheme === 'he') {
      const std = Math.sqrt(2 / layer.fanIn);
      for (let i = 0; i < w.length; i++) w[i] = std * rng.normal();
    } else {
      const bound = Math.sqrt(6 / (layer.fanIn + layer.fanOut));
      for (let i = 0; i < w.length; i++) w[i] = (2 * rng.next() - 1) * bound;
    }
    layer.bias.fill(0);
  }
}

/** Copies a model.json's weights into the network (the caller has checked that the shapes fit). */
export function loadWeights(network: Network, model: ModelJson): void {
  network.layers.forEach((layer, l) => {
    const source = model.layers[l]!;
    for (let o = 0; o < layer.fanOut; o++) {
      const row = source.weight[o]!;
      for (let i = 0; i < layer.fanIn; i++) layer.weight[o * layer.fanIn + i] = row[i]!;
      layer.bias[o] = source.bias[o]!;
    }
  });
}
