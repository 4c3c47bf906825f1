// The schema an elicitation form may ask for (MCP 2025-11-25, `ElicitRequestFormParams.requestedSchema`): a flat object
// whose properties are text, numbers, true/false, single choices (`enum`, titled `oneOf`, legacy `enumNames`) and
// multiple choices (`array` of `enum` or titled `anyOf` items). Clients render nothing else, and the SDK's clients refuse
// a request whose schema strays from it, so an ask_user step's raw `schema` is checked here, each problem a sentence.
import { suggestKey } from "../model/unknown-keys";

type Problem = { path: string; message: string };
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => !!v && typeof v === "object" && !Array.isArray(v);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
const isCount = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0;
const show = (v: unknown) => JSON.stringify(v);

const STRING_FORMATS = ["email", "uri", "date", "date-time"];
const COMMON = ["type", "title", "description", "default"];
const KEYS = {
  top: ["$schema", "type", "properties", "required"],
  string: [...COMMON, "minLength", "maxLength", "format"],
  enum: [...COMMON, "enum", "enumNames"],
  titled: [...COMMON, "oneOf"],
  number: [...COMMON, "minimum", "maximum"],
  boolean: COMMON,
  multi: [...COMMON, "minItems", "maxItems", "items"],
};

/** Keys of `obj` not in `allowed`, as problems saying what the form does with them (nothing), with a did-you-mean. */
function extraKeys(obj: Json, allowed: string[], path: string, what: string): Problem[] {
  return Object.keys(obj)
    .filter((k) => !allowed.includes(k))
    .map((k) => {
      const near = suggestKey(k, allowed, Object.keys(obj));
      return { path, message: `${what} has ${show(k)}, which elicitation forms do not support; ${near ? `did you mean ${show(near)}?` : `remove it (${what} may have ${allowed.map(show).join(", ")})`}` };
    });
}

/** `[{ const, title }]` choices, each const text and each title text. */
function titledChoices(list: unknown, path: string, what: string, key: string): { problems: Problem[]; values: string[] } {
  if (!Array.isArray(list) || list.length === 0) return { problems: [{ path, message: `${what} needs ${show(key)} as a list of choices like [{ "const": "eu", "title": "Europe" }]` }], values: [] };
  const problems: Problem[] = [];
  const values: string[] = [];
  list.forEach((choice, i) => {
    if (!isObject(choice) || typeof choice.const !== "string" || typeof choice.title !== "string") {
      problems.push({ path: `${path}[${i}]`, message: `choice ${i + 1} of ${what} must be { "const": "<value as text>", "title": "<what people see>" }` });
      return;
    }
    problems.push(...extraKeys(choice, ["const", "title"], `${path}[${i}]`, `choice ${i + 1} of ${what}`));
    values.push(choice.const);
  });
  return { problems, values };
}

function checkDefault(def: Json, path: string, what: string, ok: (v: unknown) => boolean, expected: string): Problem[] {
  return "default" in def && !ok(def.default) ? [{ path: `${path}.default`, message: `the default of ${what} must be ${expected} (now ${show(def.default)})` }] : [];
}

function checkCounts(def: Json, path: string, what: string, min: string, max: string): Problem[] {
  const problems: Problem[] = [];
  for (const key of [min, max]) if (key in def && !isCount(def[key])) problems.push({ path: `${path}.${key}`, message: `the ${key} of ${what} must be a whole number, 0 or more` });
  if (isCount(def[min]) && isCount(def[max]) && (def[min] as number) > (def[max] as number)) problems.push({ path: `${path}.${max}`, message: `the ${max} of ${what} is less than its ${min}` });
  return problems;
}

function checkProperty(name: string, def: unknown, path: string): Problem[] {
  const what = `the field ${show(name)}`;
  if (!isObject(def)) return [{ path, message: `${what} must be an object describing it, like { "type": "string", "title": "Your name" }` }];
  const problems: Problem[] = [];
  for (const key of ["title", "description"]) if (key in def && typeof def[key] !== "string") problems.push({ path: `${path}.${key}`, message: `the ${key} of ${what} must be text` });
  switch (def.type) {
    case "string": {
      if ("enum" in def && "oneOf" in def) return [...problems, { path, message: `${what} lists its choices twice; use either "enum" (values) or "oneOf" (values with titles)` }];
      if ("oneOf" in def) {
        const choices = titledChoices(def.oneOf, `${path}.oneOf`, what, "oneOf");
        return [...problems, ...extraKeys(def, KEYS.titled, path, what), ...choices.problems, ...checkDefault(def, path, what, (v) => typeof v === "string" && choices.values.includes(v), `one of its choices (${choices.values.map(show).join(", ")})`)];
      }
      if ("enum" in def) {
        const values = def.enum;
        if (!isStringList(values) || values.length === 0) return [...problems, { path: `${path}.enum`, message: `the choices ("enum") of ${what} must be a list of texts, like ["low", "high"]` }];
        if ("enumNames" in def && (!isStringList(def.enumNames) || def.enumNames.length !== values.length)) {
          problems.push({ path: `${path}.enumNames`, message: `"enumNames" of ${what} must be a list of ${values.length} texts, one title per choice (or use "oneOf" with a title per choice)` });
        }
        return [...problems, ...extraKeys(def, KEYS.enum, path, what), ...checkDefault(def, path, what, (v) => typeof v === "string" && values.includes(v), `one of its choices (${values.map(show).join(", ")})`)];
      }
      if ("format" in def && !STRING_FORMATS.includes(def.format as string)) problems.push({ path: `${path}.format`, message: `the format of ${what} must be ${STRING_FORMATS.map(show).join(", ")} (now ${show(def.format)})` });
      return [...problems, ...extraKeys(def, KEYS.string, path, what), ...checkCounts(def, path, what, "minLength", "maxLength"), ...checkDefault(def, path, what, (v) => typeof v === "string", "text")];
    }
    case "number":
    case "integer": {
      if ("enum" in def || "oneOf" in def) return [...problems, { path, message: `${what} offers choices of numbers; elicitation choices are texts, so make it "type": "string" with texts as the choices` }];
      for (const key of ["minimum", "maximum"]) if (key in def && typeof def[key] !== "number") problems.push({ path: `${path}.${key}`, message: `the ${key} of ${what} must be a number` });
      if (typeof def.minimum === "number" && typeof def.maximum === "number" && def.minimum > def.maximum) problems.push({ path: `${path}.maximum`, message: `the maximum of ${what} is less than its minimum` });
      const whole = def.type === "integer";
      return [...problems, ...extraKeys(def, KEYS.number, path, what), ...checkDefault(def, path, what, (v) => typeof v === "number" && (!whole || Number.isInteger(v)), whole ? "a whole number" : "a number")];
    }
    case "boolean":
      return [...problems, ...extraKeys(def, KEYS.boolean, path, what), ...checkDefault(def, path, what, (v) => typeof v === "boolean", "true or false")];
    case "array": {
      const items = def.items;
      let values: string[] = [];
      if (isObject(items) && "anyOf" in items) {
        const choices = titledChoices(items.anyOf, `${path}.items.anyOf`, what, "items.anyOf");
        problems.push(...choices.problems, ...extraKeys(items, ["anyOf"], `${path}.items`, `the items of ${what}`));
        values = choices.values;
      } else if (isObject(items) && items.type === "string" && isStringList(items.enum) && items.enum.length > 0) {
        problems.push(...extraKeys(items, ["type", "enum"], `${path}.items`, `the items of ${what}`));
        values = items.enum;
      } else {
        return [
          ...problems,
          {
            path: `${path}.items`,
            message: `${what} is a list; in an elicitation form a list is a multiple choice, so its "items" must be { "type": "string", "enum": [...] } or { "anyOf": [{ "const": …, "title": … }] }`,
          },
        ];
      }
      return [
        ...problems,
        ...extraKeys(def, KEYS.multi, path, what),
        ...checkCounts(def, path, what, "minItems", "maxItems"),
        ...checkDefault(def, path, what, (v) => isStringList(v) && v.every((x) => values.includes(x)), `a list of its choices (${values.map(show).join(", ")})`),
      ];
    }
    case "object":
      return [...problems, { path, message: `${what} is an object; elicitation forms have only flat fields (text, numbers, true/false and choices), so put its fields at the top level` }];
    default:
      return [
        ...problems,
        {
          path: `${path}.type`,
          message: `${what} needs a "type" of "string", "number", "integer", "boolean" or "array" (a multiple choice)${def.type === undefined ? "" : `, not ${show(def.type)}`}`,
        },
      ];
  }
}

/** Problems with a requested schema, paths under `base` (the param holding it); none when clients can render it. */
export function checkElicitationSchema(schema: Json, base = "schema"): Problem[] {
  const problems: Problem[] = [];
  if (schema.type !== "object") problems.push({ path: `${base}.type`, message: 'an elicitation schema must have "type": "object", with the questions as its "properties"' });
  problems.push(...extraKeys(schema, KEYS.top, base, "the schema"));
  if ("$schema" in schema && typeof schema.$schema !== "string") problems.push({ path: `${base}.$schema`, message: '"$schema" must be the URI of a JSON Schema dialect' });
  const properties = schema.properties;
  if (!isObject(properties)) {
    problems.push({ path: `${base}.properties`, message: 'an elicitation schema needs "properties": an object with one entry per question, like { "name": { "type": "string" } }' });
    return problems;
  }
  for (const [name, def] of Object.entries(properties)) problems.push(...checkProperty(name, def, `${base}.properties.${name}`));
  if ("required" in schema) {
    if (!isStringList(schema.required)) problems.push({ path: `${base}.required`, message: '"required" must be a list of field names' });
    else for (const name of schema.required) if (!Object.prototype.hasOwnProperty.call(properties, name)) problems.push({ path: `${base}.required`, message: `"required" names ${show(name)}, which is not one of the schema's properties` });
  }
  return problems;
}
