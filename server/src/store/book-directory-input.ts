// Argument checks shared by every BookDirectory, so that all implementations reject the same
// calls the same way (StoreError 'invalid') before they touch storage.
import { ROLES, type Role } from './book-directory'
import { StoreError } from './store-error'

export function checkId(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new StoreError('invalid', `${name} must be a non-empty string`)
  }
}

export function checkName(value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new StoreError('invalid', 'name must be a string')
}

export function checkRole(value: unknown): asserts value is Role {
  if (!(ROLES as readonly unknown[]).includes(value)) {
    throw new StoreError('invalid', `role must be one of ${ROLES.join(', ')}`)
  }
}
