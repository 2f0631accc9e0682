// Checks and normalises property values on write as HubSpot does: unknown or read-only
// properties, bad numbers, dates and options are rejected with "Property values were not valid".
import { EmulatorError, type ErrorDetail } from '../errors'
import type { PropertyDefinition } from './property-definitions'

/** Values as stored: strings only; a cleared property is absent. */
export type PropertyValues = Record<string, string>
/** Values as written: HubSpot also takes numbers and booleans, and '' or null to clear. */
export type PropertyInput = Record<string, string | number | boolean | null>

interface InvalidValue {
  isValid: false
  message: string
  error: string
  name: string
}

function normalise(def: PropertyDefinition, raw: string): string | InvalidValue {
  const bad = (error: string, message: string): InvalidValue => ({ isValid: false, message, error, name: def.name })
  switch (def.type) {
    case 'number': {
      const n = Number(raw)
      return raw.trim() !== '' && Number.isFinite(n) ? raw.trim() : bad('INVALID_FLOAT', `${raw} was not a valid number.`)
    }
    case 'bool':
      return raw === 'true' || raw === 'false' ? raw : bad('INVALID_BOOLEAN', `${raw} was not a valid boolean.`)
    case 'date':
    case 'datetime': {
      const ms = /^-?\d+$/.test(raw) ? Number(raw) : Date.parse(raw)
      if (!Number.isFinite(ms)) return bad('INVALID_DATE', `${raw} was not a valid date.`)
      const iso = new Date(ms).toISOString()
      return def.type === 'date' ? iso.slice(0, 10) : iso
    }
    case 'enumeration': {
      if (def.options.length === 0) return raw
      const allowed = new Set(def.options.map((o) => o.value))
      const invalid = raw.split(';').filter((v) => !allowed.has(v))
      return invalid.length === 0
        ? raw
        : bad('INVALID_OPTION', `${raw} was not one of the allowed options: [${[...allowed].join(', ')}]`)
    }
    default:
      return raw
  }
}

/**
 * Splits an input into values to set and names to clear, or throws HubSpot's 400.
 * `allowReadOnly` is for the emulator's own writes (system properties).
 */
export function checkPropertyInput(
  input: PropertyInput,
  definitions: ReadonlyMap<string, PropertyDefinition>,
  allowReadOnly = false,
): { set: PropertyValues; clear: string[] } {
  const set: PropertyValues = {}
  const clear: string[] = []
  const invalid: InvalidValue[] = []
  for (const [name, value] of Object.entries(input)) {
    const def = definitions.get(name)
    if (!def || def.archived) {
      invalid.push({ isValid: false, message: `Property "${name}" does not exist`, error: 'PROPERTY_DOESNT_EXIST', name })
      continue
    }
    if (def.readOnlyValue && !allowReadOnly) {
      invalid.push({ isValid: false, message: `"${name}" is a read only property; its value cannot be set.`, error: 'READ_ONLY_VALUE', name })
      continue
    }
    if (value === null || value === '') {
      clear.push(name)
      continue
    }
    const checked = normalise(def, String(value))
    if (typeof checked === 'string') set[name] = checked
    else invalid.push(checked)
  }
  if (invalid.length > 0) {
    const errors: ErrorDetail[] = invalid.map((i) => ({ message: i.message, code: i.error, context: { propertyName: [i.name] } }))
    throw new EmulatorError('validation', `Property values were not valid: ${JSON.stringify(invalid)}`, { errors })
  }
  return { set, clear }
}
