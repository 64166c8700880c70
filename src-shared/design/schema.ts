/**
 * The JSON Schema (draft 2020-12) of the design format, generated from the
 * same tables the parser checks against — the layer catalogue, the
 * initializers, the data sets, the training limits — so the documentation
 * cannot drift from the code. resources/schema/design.schema.json is this
 * object, formatted; a test fails when they differ (`npx vitest run
 * src-shared/design -u` rewrites the file).
 */
import { LAYER_SPECS } from '../layers/index';
import { LAYER_TYPES, type ParamSpec } from '../layers/types';
import { dataSchema, initializerSchema, trainingSchema } from './schema-sections';
import { CURRENT_FORMAT_VERSION, DESIGN_FORMAT } from './types';
import {
  DESIGN_LIMITS,
  EDGE_ID_PATTERN,
  NODE_ID_PATTERN,
  REQUIRED_TOP_LEVEL_KEYS,
  TARGET_HANDLE_PATTERN,
} from './limits';

type Schema = Record<string, unknown>;

/** The `$defs` key of a layer type's params schema, e.g. `denseParams`. */
export const paramsDefName = (type: string): string => `${type}Params`;

/** The design format's JSON Schema, with a description on every field. */
export function designJsonSchema(): Schema {
  const layerDefs = Object.fromEntries(
    LAYER_TYPES.map((type) => [paramsDefName(type), layerParamsSchema(type)]),
  );
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Backflow design',
    description:
      'A network design saved by Backflow (a .backflow.json file): the layer graph, the data and the training settings. Written with 2-space indentation and a fixed key order. Unknown keys are refused everywhere, so a typo cannot pass silently. Whether the graph can train (no cycles, matching shapes, one input, one output) is checked by `backflow validate`, not by this schema.',
    type: 'object',
    required: [...REQUIRED_TOP_LEVEL_KEYS],
    additionalProperties: false,
    properties: {
      format: { description: 'Identifies the file as a Backflow design.', const: DESIGN_FORMAT },
      formatVersion: {
        description: `Version of this format. Older versions are upgraded on load; newer ones are refused with a request to update Backflow. This schema describes version ${CURRENT_FORMAT_VERSION}.`,
        const: CURRENT_FORMAT_VERSION,
      },
      name: {
        description: 'Title shown in the window and the gallery.',
        type: 'string',
        maxLength: DESIGN_LIMITS.nameLength,
      },
      description: {
        description: 'What the design demonstrates and what to look at; shown in the gallery.',
        type: 'string',
        maxLength: DESIGN_LIMITS.descriptionLength,
      },
      graph: { $ref: '#/$defs/graph' },
      data: { $ref: '#/$defs/data' },
      training: { $ref: '#/$defs/training' },
    },
    $defs: {
      graph: {
        description: 'The network: layers (nodes) and the connections between them (edges).',
        type: 'object',
        required: ['nodes', 'edges'],
        additionalProperties: false,
        properties: {
          nodes: {
            description: 'The layers.',
            type: 'array',
            maxItems: DESIGN_LIMITS.nodes,
            items: { $ref: '#/$defs/node' },
          },
          edges: {
            description: 'Connections from one layer’s output to another’s input.',
            type: 'array',
            maxItems: DESIGN_LIMITS.edges,
            items: { $ref: '#/$defs/edge' },
          },
        },
      },
      node: nodeSchema(),
      position: {
        description: 'Where the node sits on the canvas, in pixels (rounded to 0.1 when saved). Layout only.',
        type: 'object',
        required: ['x', 'y'],
        additionalProperties: false,
        properties: {
          x: {
            description: 'Horizontal position.',
            type: 'number',
            minimum: -DESIGN_LIMITS.coordinate,
            maximum: DESIGN_LIMITS.coordinate,
          },
          y: {
            description: 'Vertical position.',
            type: 'number',
            minimum: -DESIGN_LIMITS.coordinate,
            maximum: DESIGN_LIMITS.coordinate,
          },
        },
      },
      edge: {
        description: 'A connection from the output of `source` to an input of `target`.',
        type: 'object',
        required: ['id', 'source', 'target'],
        additionalProperties: false,
        properties: {
          id: { description: 'Unique among the edges.', type: 'string', pattern: EDGE_ID_PATTERN.source },
          source: { description: 'The id of the node whose output is used.', type: 'string' },
          target: { description: 'The id of the node that receives it.', type: 'string' },
          targetHandle: {
            description:
              'The input slot on a multi-input layer (add, concatenate): in0, in1, … in input order; concatenation follows it.',
            type: 'string',
            pattern: TARGET_HANDLE_PATTERN.source,
          },
        },
      },
      ...layerDefs,
      initializer: initializerSchema(),
      data: dataSchema(),
      training: trainingSchema(),
    },
  };
}

function nodeSchema(): Schema {
  return {
    description:
      'One layer. Its params are checked against the layer type’s own list; missing ones take their defaults.',
    type: 'object',
    required: ['id', 'type'],
    additionalProperties: false,
    properties: {
      id: {
        description:
          'Unique among the nodes; names the layer in exported models and in telemetry. Letters, digits, _ . -, at most 64, not starting with a digit.',
        type: 'string',
        pattern: NODE_ID_PATTERN.source,
      },
      type: { description: 'The layer type.', enum: [...LAYER_TYPES] },
      params: { description: 'The layer’s parameters; see the `<type>Params` definitions.', type: 'object' },
      trainable: {
        description:
          'false freezes the layer (fine-tuning a pretrained model): training leaves its weights and a batch normalization’s moving statistics unchanged, while telemetry still shows its gradients. Written only when false.',
        type: 'boolean',
        default: true,
      },
      position: { $ref: '#/$defs/position' },
    },
    allOf: LAYER_TYPES.map((type) => ({
      if: { properties: { type: { const: type } }, required: ['type'] },
      then: { properties: { params: { $ref: `#/$defs/${paramsDefName(type)}` } } },
    })),
  };
}

function layerParamsSchema(type: (typeof LAYER_TYPES)[number]): Schema {
  const spec = LAYER_SPECS[type];
  return {
    description: `${spec.label}: ${spec.description}`,
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(
      Object.entries(spec.params).map(([name, param]) => [name, paramSchema(param)]),
    ),
  };
}

function paramSchema(param: ParamSpec): Schema {
  const description = `${param.label}. ${param.help}`;
  switch (param.kind) {
    case 'int':
      return { description, type: 'integer', minimum: param.min, maximum: param.max, default: param.default };
    case 'number': {
      const low = param.exclusiveMin ? { exclusiveMinimum: param.min } : { minimum: param.min };
      return { description, type: 'number', ...low, maximum: param.max, default: param.default };
    }
    case 'enum':
      return { description, enum: [...param.options], default: param.default };
    case 'bool':
      return { description, type: 'boolean', default: param.default };
    case 'intList': {
      const item = { type: 'integer', minimum: param.min, maximum: param.max };
      const list = { type: 'array', items: item, minItems: param.minLength, maxItems: param.maxLength };
      if (!param.scalarAllowed) return { description, ...list, default: param.default };
      return {
        description: `${description} A single number stands for that value in every dimension.`,
        oneOf: [item, list],
        default: param.default,
      };
    }
    case 'initializer':
      return { description, $ref: '#/$defs/initializer', default: param.default };
  }
}
