// The JSON Schemas tools/list shows, built once per tool from its zod definitions, and kept lean:
// - zod's `.int()` adds the safe-integer range (±9007199254740991) as minimum/maximum; those bounds
//   say nothing an agent can use, so they are dropped (explicit bounds such as `max(100)` stay);
// - every nested object of an input schema is strict (`additionalProperties: false`), as validated;
// - output schemas type the result's own fields (see leanOutput), and no schema repeats `$schema`.
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { util } from "zod/v4/core";

const SAFE = Number.MAX_SAFE_INTEGER;

/** Removes the implicit safe-integer bounds zod writes for `.int()`, at every depth. */
export function dropSafeIntBounds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(dropSafeIntBounds);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if ((key === "maximum" && value === SAFE) || (key === "minimum" && value === -SAFE)) continue;
    out[key] = dropSafeIntBounds(value);
  }
  return out;
}

type AnyZod = z.ZodType & { _zod: { def: Record<string, unknown> & { type: string } } };

const rebuilt = new WeakMap<object, z.ZodType>();

/**
 * A copy of `schema` in which every object refuses unknown keys, however deep (checks, defaults,
 * transforms and descriptions are kept). Unions, arrays, records, optionals, nullables, defaults and
 * pipes are walked; other types are returned as they are.
 */
export function deepStrict<T extends z.ZodType>(schema: T): T {
  const s = schema as unknown as AnyZod;
  const cached = rebuilt.get(s);
  if (cached) return cached as T;
  const def = s._zod.def;
  // Not a "parent" clone (the JSON Schema generator would write it as a $ref chain to the original);
  // the description and other metadata are copied over instead.
  const copy = (patch: Record<string, unknown>) => {
    const clone = util.clone(s as never, { ...def, ...patch } as never) as unknown as z.ZodType;
    const meta = z.globalRegistry.get(s);
    if (meta) z.globalRegistry.add(clone, meta);
    return clone;
  };
  let out: z.ZodType;
  switch (def.type) {
    case "object": {
      const shape = def.shape as Record<string, z.ZodType>;
      const strictShape = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, deepStrict(v)]));
      // A catchall other than `never` is a deliberate open object (z.looseObject / z.catchall): kept.
      const open = def.catchall !== undefined && (def.catchall as AnyZod)._zod.def.type !== "never";
      out = copy({ shape: strictShape, ...(open ? {} : { catchall: z.never() }) });
      break;
    }
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "nonoptional":
    case "readonly":
    case "catch":
      out = copy({ innerType: deepStrict(def.innerType as z.ZodType) });
      break;
    case "array":
      out = copy({ element: deepStrict(def.element as z.ZodType) });
      break;
    case "union":
      out = copy({ options: (def.options as z.ZodType[]).map((o) => deepStrict(o)) });
      break;
    case "record":
      out = copy({ valueType: deepStrict(def.valueType as z.ZodType) });
      break;
    case "pipe":
      out = copy({ in: deepStrict(def.in as z.ZodType) });
      break;
    default:
      out = s;
  }
  rebuilt.set(s, out);
  return out as T;
}

/** How deep an output schema spells out object properties (0 = the result itself). */
export const OUTPUT_DEPTH = 1;

type Node = Record<string, unknown>;

// `required` and `enum` describe what the server guarantees, not what an agent must send: the
// field list and the types are what it reads a result by. `propertyNames: string` is JSON itself.
// Descriptions of result fields are in docs/mcp.md: a result's values explain themselves.
const DROPPED_IN_OUTPUT = new Set([
  "$schema",
  "definitions",
  "default",
  "required",
  "enum",
  "propertyNames",
  "description",
]);

/**
 * An output schema as an agent needs it: shared definitions inlined, the result's fields typed,
 * deeper objects only as `{ "type": "object" }`, without descriptions, `required`, `enum` and
 * `additionalProperties: false`. It still accepts every value the zod schema produces.
 */
export function leanOutput(node: unknown, depth = 0, defs: Node = {}): unknown {
  if (Array.isArray(node)) return node.map((n) => leanOutput(n, depth, defs));
  if (node === null || typeof node !== "object") return node;
  const n = node as Node;
  const definitions = { ...defs, ...((n.definitions as Node | undefined) ?? {}) };
  if (typeof n.$ref === "string") {
    const target = definitions[n.$ref.replace("#/definitions/", "")];
    const { $ref: _ref, ...rest } = n;
    return leanOutput({ ...(target as Node), ...rest }, depth, definitions);
  }
  const out: Node = {};
  for (const [key, value] of Object.entries(n)) {
    if (DROPPED_IN_OUTPUT.has(key)) continue;
    if (key === "additionalProperties" && value === false) continue;
    if (key === "properties") {
      if (depth >= OUTPUT_DEPTH) continue;
      out.properties = Object.fromEntries(
        Object.entries(value as Node).map(([k, v]) => [k, leanOutput(v, depth + 1, definitions)]),
      );
      continue;
    }
    if (key === "items" || key === "additionalProperties") {
      out[key] = leanOutput(value, depth + 1, definitions);
      continue;
    }
    out[key] = leanOutput(value, depth, definitions);
  }
  return mergeTypeUnion(out);
}

/** `anyOf: [{type: "object"}, {type: "null"}]` (with nothing else in the branches) → `type: ["object", "null"]`. */
function mergeTypeUnion(node: Node): Node {
  const branches = node.anyOf;
  if (!Array.isArray(branches)) return node;
  const plain = branches.every(
    (b) => b && typeof b === "object" && Object.keys(b).length === 1 && typeof (b as Node).type === "string",
  );
  if (!plain) return node;
  const { anyOf: _anyOf, ...rest } = node;
  return { type: [...new Set(branches.map((b) => (b as Node).type as string))], ...rest };
}

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Tool["inputSchema"] {
  const json = dropSafeIntBounds(z.toJSONSchema(schema, { target: "draft-7", io, unrepresentable: "any" })) as Node;
  if (io === "output") return leanOutput(json) as Tool["inputSchema"];
  // Input schemas stay complete (they are what the call is validated against), minus `$schema`.
  const { $schema: _schema, ...rest } = json;
  return rest as Tool["inputSchema"];
}

// The definitions are the same in every session of a process: each tool's listing is built once.
const listings = new Map<string, Tool>();

export function listedTool(
  def: { name: string; title: string; description: string; annotations: Tool["annotations"] },
  input: z.ZodType,
  output: z.ZodType,
): Tool {
  const cached = listings.get(def.name);
  if (cached) return cached;
  const tool: Tool = {
    name: def.name,
    title: def.title,
    description: def.description,
    inputSchema: jsonSchema(input, "input"),
    outputSchema: jsonSchema(output, "output") as Tool["outputSchema"],
    annotations: def.annotations,
  };
  listings.set(def.name, tool);
  return tool;
}
