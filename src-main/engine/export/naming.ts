/**
 * Names shared by the exporters and the importer: Python attribute names for
 * design node ids, and the Keras / TensorFlow.js names of each weight role.
 */
import type { WeightRole } from '../../../src-shared/layers/types';

/** The Keras / tfjs weight name (`<layer>/<name>`) of each role. */
export const KERAS_WEIGHT_NAME: Readonly<Record<WeightRole, string>> = {
  kernel: 'kernel',
  bias: 'bias',
  gamma: 'gamma',
  beta: 'beta',
  movingMean: 'moving_mean',
  movingVariance: 'moving_variance',
};

const PYTHON_KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except finally ' +
    'for from global if import in is lambda nonlocal not or pass raise return try while with yield'
  ).split(' '),
);

/**
 * Names a node attribute must not take: nn.Module's own public attributes
 * (`self.eval = …` would shadow the method) and the names the generated file
 * itself uses.
 */
const RESERVED = new Set(
  (
    'add_module apply bfloat16 buffers call_super_init children compile cpu cuda double dump_patches ' +
    'eval extra_repr float forward get_buffer get_extra_state get_parameter get_submodule half ipu ' +
    'load_state_dict modules mtia named_buffers named_children named_modules named_parameters ' +
    'parameters register_backward_hook register_buffer register_forward_hook ' +
    'register_forward_pre_hook register_full_backward_hook register_full_backward_pre_hook ' +
    'register_load_state_dict_post_hook register_load_state_dict_pre_hook register_module ' +
    'register_parameter register_state_dict_post_hook register_state_dict_pre_hook requires_grad_ ' +
    'set_extra_state set_submodule share_memory state_dict to to_empty train training type xpu ' +
    'zero_grad T_destination self torch nn F math json Path Add Concatenate read_safetensors load ' +
    'avg_pool_same'
  ).split(' '),
);

/**
 * Maps each node id to a Python identifier usable as an nn.Module attribute
 * and a local variable: `.` and `-` become `_`, a leading digit gets `n_`,
 * keywords and reserved names get a trailing `_`, and collisions a numeric
 * suffix. Ids that are already fine keep their name.
 */
export function pythonNames(ids: readonly string[]): Map<string, string> {
  const taken = new Set<string>();
  const names = new Map<string, string>();
  for (const id of ids) {
    let name = id.replace(/[^A-Za-z0-9_]/g, '_');
    if (/^[0-9]/.test(name)) name = `n_${name}`;
    if (PYTHON_KEYWORDS.has(name) || RESERVED.has(name)) name = `${name}_`;
    let unique = name;
    for (let k = 2; taken.has(unique); k++) unique = `${name}_${k}`;
    taken.add(unique);
    names.set(id, unique);
  }
  return names;
}
