/**
 * Typed errors of the storage ports, so the HTTP layer can map them to status codes
 * (NotFoundError -> 404, ConflictError -> 409, InvalidInputError -> 400) without parsing messages.
 */

/** Base class of every error a store throws on purpose (anything else is a 500). */
export class PersistenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A referenced id (company, brand, store, product, photo) does not exist. */
export class NotFoundError extends PersistenceError {}

/** The write would duplicate a unique id, code or username. */
export class ConflictError extends PersistenceError {}

/** An argument is malformed (bad object key, bad timestamp, bad range). */
export class InvalidInputError extends PersistenceError {}
