/**
 * The source of the exported PyTorch module: one attribute per design node,
 * named by its id, and a forward() that follows the graph line by line, so a
 * user can read it, hook any layer (`model.d1.register_full_backward_hook`)
 * and compare its gradients with Backflow's.
 */
import type { LossName } from '../../../src-shared/layers';
import { outputNode, type Network } from '../model/network';
import { pythonNames } from './naming';
import { torchNode } from './pytorch-layers';

/** What the header of the file says about the export. */
export interface PytorchSourceInfo {
  designName: string;
  seed: number;
  trained: boolean;
  /** The weights file beside the module, e.g. `weights.safetensors`. */
  weightsFile: string;
}

const LOSS_HINT: Record<LossName, string> = {
  softmaxCrossEntropy: 'torch.nn.CrossEntropyLoss() (softmax cross-entropy on the logits)',
  sigmoidCrossEntropy: 'torch.nn.BCEWithLogitsLoss() (sigmoid cross-entropy on the logits)',
  meanSquaredError: 'torch.nn.MSELoss()',
};

const READER = `def read_safetensors(path):
    """The weights file as a state dict; uses the safetensors package when installed."""
    try:
        from safetensors.torch import load_file
    except ImportError:
        data = Path(path).read_bytes()
        size = int.from_bytes(data[:8], "little")
        header = json.loads(data[8 : 8 + size])
        dtypes = {"F32": torch.float32, "I64": torch.int64}
        state = {}
        for name, info in header.items():
            if name == "__metadata__":
                continue
            begin, end = info["data_offsets"]
            raw = bytearray(data[8 + size + begin : 8 + size + end])
            state[name] = torch.frombuffer(raw, dtype=dtypes[info["dtype"]]).reshape(info["shape"])
        return state
    return load_file(str(path))`;

/** A Python class name from the design's name: "Deep sigmoid MLP" → DeepSigmoidMlp. */
export function className(designName: string): string {
  const words = designName.match(/[A-Za-z0-9]+/g) ?? [];
  const name = words.map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join('');
  return !name || /^[0-9]/.test(name) || name === 'Add' || name === 'Concatenate' ? `Model${name}` : name;
}

/** Escapes text for a Python docstring or comment line. */
function text(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"""/g, '\\"\\"\\"')
    .replace(/[\r\n]+/g, ' ');
}

/** Generates the module's source for `network`. */
export function pytorchSource(network: Network, info: PytorchSourceInfo): string {
  const names = pythonNames(network.nodes.map((n) => n.id));
  const attr = (index: number) => names.get(network.nodes[index].id)!;
  const helpers = new Set<string>();
  const init: string[] = [];
  const body: string[] = [];
  const frozenNorms: string[] = [];
  for (const [index, node] of network.nodes.entries()) {
    const a = attr(index);
    const inputs = node.type === 'input' ? ['x'] : node.inputs.map(attr);
    const code = torchNode(node, inputs, a);
    code.helpers.forEach((h) => helpers.add(h));
    init.push(`        self.${a} = ${code.module}`);
    if (!node.trainable) {
      init.push(`        self.${a}.requires_grad_(False)  # frozen in the design (trainable: false)`);
      if (node.type === 'batchNormalization') frozenNorms.push(a);
    }
    if (code.comment) body.push(`        # ${code.comment}`);
    body.push(`        ${a} = ${code.call}`);
  }
  body.push(`        return ${attr(network.outputIndex)}`);

  const output = outputNode(network);
  const input = network.nodes[network.inputIndex];
  const shape =
    input.outputShape.length === 3 ? [2, 0, 1].map((d) => input.outputShape[d]) : input.outputShape;
  const renamed = network.nodes.filter((n) => names.get(n.id) !== n.id);
  const name = className(info.designName);
  const lines = [
    `"""${text(info.designName)}: a network exported by Backflow as a PyTorch module.`,
    '',
    `Weights: ${info.trained ? 'trained' : `initial (seed ${info.seed}, what \`backflow train --seed ${info.seed}\` starts from)`},`,
    `in ${info.weightsFile} beside this file. One attribute per design node, named by`,
    'its id; forward() follows the graph.',
    '',
    'Usage:',
    `    model = load()  # builds ${name}, loads the weights, eval mode`,
    `    logits = model(torch.randn(8, ${shape.join(', ')}))`,
    '',
    `The output is the logits of the "${text(output.id)}" node; its loss is`,
    `${LOSS_HINT[output.params.loss]}.`,
    '',
    'Images: Backflow (TensorFlow) stores them [batch, height, width, channels];',
    "this module takes PyTorch's [batch, channels, height, width] and permutes back to",
    'channels-last before each flatten, so the dense weights after it line up.',
    'Batch normalization in eval mode uses the moving statistics.',
    '"""',
    'import json',
    'import math',
    'from pathlib import Path',
    '',
    'import torch',
    'import torch.nn.functional as F',
    'from torch import nn',
    '',
    `INPUT_SHAPE = (${shape.join(', ')}${shape.length === 1 ? ',' : ''})`,
    `WEIGHTS_FILE = "${info.weightsFile}"`,
  ];
  if (renamed.length) {
    lines.push('', '# Node ids that cannot be Python attribute names, and the names they became:');
    for (const node of renamed) lines.push(`#   "${text(node.id)}" -> ${names.get(node.id)}`);
  }
  for (const helper of helpers) lines.push('', '', helper);
  lines.push(
    '',
    '',
    `class ${name}(nn.Module):`,
    `    """${text(info.designName)}, node for node."""`,
    '',
    '    def __init__(self):',
    '        super().__init__()',
    ...init,
    '',
    '    def forward(self, x):',
    ...body,
  );
  if (frozenNorms.length) {
    lines.push(
      '',
      '    def train(self, mode=True):',
      '        """Frozen batch normalizations stay in eval mode (moving statistics), as in Keras."""',
      '        super().train(mode)',
      ...frozenNorms.map((a) => `        self.${a}.eval()`),
      '        return self',
    );
  }
  lines.push(
    '',
    '',
    READER,
    '',
    '',
    'def load(path=None):',
    `    """Builds ${name}, loads its weights (default: ${info.weightsFile} beside this file), eval mode."""`,
    `    model = ${name}()`,
    '    model.load_state_dict(read_safetensors(path or Path(__file__).with_name(WEIGHTS_FILE)))',
    '    return model.eval()',
    '',
    '',
    'if __name__ == "__main__":',
    '    net = load()',
    '    print(net)',
    '    print("output shape:", tuple(net(torch.randn(4, *INPUT_SHAPE)).shape))',
  );
  return `${lines.join('\n')}\n`;
}
