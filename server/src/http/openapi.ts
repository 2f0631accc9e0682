// OpenAPI 3.1 description of the HTTP API, served at /api/openapi.json. Hand-written: the API is
// small, and the schemas of the customer come from the book contract in shared/ARCHITECTURE.md.

const error = { $ref: '#/components/schemas/Error' }
const errorResponses = {
  '400': { description: 'Malformed or invalid body', content: { 'application/json': { schema: error } } },
  '401': { description: 'No, bad or expired token', content: { 'application/json': { schema: error } } },
  '403': { description: 'Not a member of the book, or the role does not allow it', content: { 'application/json': { schema: error } } },
  '413': { description: 'Body too large', content: { 'application/json': { schema: error } } },
  '503': {
    description: 'store-timeout (the store did not answer in time) or auth-unavailable (tokens cannot be verified right now): try again after Retry-After; an import says in details.applied how far it got',
    content: { 'application/json': { schema: error } },
  },
}
const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const bookId = { name: 'bookId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' } }
const customerId = { name: 'customerId', in: 'path', required: true, schema: { type: 'string' } }
const str = { type: 'string' }

export const openApiDocument = {
  openapi: '3.1.0',
  info: { title: 'CRM sync API', version: '0.1.0', description: 'Books of customers kept as Yjs documents; writes are CRDT updates attributed to the caller.' },
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      cookie: { type: 'apiKey', in: 'cookie', name: 'crm_token' },
      query: { type: 'apiKey', in: 'query', name: 'token' },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: str, message: str, details: {} } } },
      },
      Book: {
        type: 'object',
        properties: { id: str, name: str, createdBy: str, createdAt: { type: 'number' }, role: { enum: ['owner', 'editor', 'viewer'] } },
      },
      Address: { type: 'object', properties: { street: str, city: str, region: str, postalCode: str, country: { type: 'string', description: 'ISO 3166-1 alpha-2' } } },
      Customer: {
        type: 'object',
        required: ['id', 'name'],
        properties: {
          id: str, name: str, status: { enum: ['lead', 'prospect', 'customer', 'inactive'] },
          email: str, phone: { type: 'string', description: 'E.164' }, website: str, industry: str, ownerId: str,
          address: { $ref: '#/components/schemas/Address' }, tags: { type: 'array', items: str }, notes: str,
          contacts: { type: 'array', items: { type: 'object' } }, deals: { type: 'array', items: { type: 'object' } },
          activities: { type: 'array', items: { type: 'object' } }, createdAt: str, createdBy: str, archived: { type: 'boolean' },
        },
      },
      CustomerPatch: {
        type: 'object',
        additionalProperties: false,
        description: 'Any subset of the scalar fields, a partial address, tags (replaces), notes (replaces, applied as a minimal text diff).',
        properties: {
          name: str, status: { enum: ['lead', 'prospect', 'customer', 'inactive'] }, email: str, phone: str, website: str, industry: str,
          ownerId: str, archived: { type: 'boolean' }, address: { $ref: '#/components/schemas/Address' }, tags: { type: 'array', items: str }, notes: str,
        },
      },
    },
  },
  security: [{ bearer: [] }, { cookie: [] }, { query: [] }],
  paths: {
    '/health': { get: { summary: 'Readiness of the store and other dependencies', security: [], responses: { '200': json({ type: 'object' }), '503': json({ type: 'object' }) } } },
    '/metrics': { get: { summary: 'Prometheus metrics', security: [], responses: { '200': { description: 'text/plain exposition format' } } } },
    '/api/auth/config': {
      get: {
        summary: 'How the web app signs in (public)', security: [],
        description: 'dev: dev login; oidc: OpenID Connect Authorization Code flow with PKCE against issuer, as the public client clientId, asking for scope, and for resource (RFC 8707) when given; external: AUTH_MODE=jwt with tokens issued elsewhere. The redirect URI is `<app origin>/auth/callback`.',
        responses: {
          '200': json({
            oneOf: [
              { type: 'object', required: ['mode'], properties: { mode: { const: 'dev' } } },
              { type: 'object', required: ['mode', 'issuer', 'clientId', 'scope'], properties: { mode: { const: 'oidc' }, issuer: { type: 'string', format: 'uri' }, clientId: str, scope: str, resource: { type: 'string', format: 'uri' } } },
              { type: 'object', required: ['mode'], properties: { mode: { const: 'external' } } },
            ],
          }),
        },
      },
    },
    '/api/auth/dev-login': {
      post: {
        summary: 'Dev mode only: sign in as any user', security: [],
        requestBody: json({ type: 'object', required: ['user'], properties: { user: str, name: str } }),
        responses: { '200': json({ type: 'object', properties: { token: str } }), ...errorResponses },
      },
    },
    '/api/auth/me': { get: { summary: 'The signed-in user', responses: { '200': json({ type: 'object', properties: { id: str, name: str } }), ...errorResponses } } },
    '/api/books': {
      get: { summary: "Books the caller is a member of", responses: { '200': json({ type: 'object', properties: { books: { type: 'array', items: { $ref: '#/components/schemas/Book' } } } }), ...errorResponses } },
      post: {
        summary: 'Create a book; the caller becomes its owner',
        requestBody: json({ type: 'object', required: ['id', 'name'], properties: { id: str, name: str } }),
        responses: { '201': json({ $ref: '#/components/schemas/Book' }), '409': json(error), ...errorResponses },
      },
    },
    '/api/books/{bookId}': { get: { parameters: [bookId], summary: 'One book and the caller\'s role', responses: { '200': json({ $ref: '#/components/schemas/Book' }), ...errorResponses } } },
    '/api/books/{bookId}/members': { get: { parameters: [bookId], summary: 'Members and roles', responses: { '200': json({ type: 'object' }), ...errorResponses } } },
    '/api/books/{bookId}/members/{user}': {
      put: {
        parameters: [bookId, { name: 'user', in: 'path', required: true, schema: str }], summary: 'Add a member or change a role (owners only)',
        description: 'A book keeps at least one owner: demoting its only owner is refused with 409 last-owner. The new role applies to the member\'s open relay connections: on this instance before the answer, on others moments later through the fan-out (within a minute at the latest). Made a viewer: told at once, writes refused.',
        requestBody: json({ type: 'object', required: ['role'], properties: { role: { enum: ['owner', 'editor', 'viewer'] } } }),
        responses: { '200': json({ type: 'object' }), '409': json(error), ...errorResponses },
      },
      delete: {
        parameters: [bookId, { name: 'user', in: 'path', required: true, schema: str }], summary: 'Remove a member (owners only)',
        description: 'A book keeps at least one owner: removing its only owner is refused with 409 last-owner. The member\'s open relay connections to the book are closed with 4403: on this instance before the answer, on others moments later through the fan-out (within a minute at the latest).',
        responses: { '204': { description: 'removed' }, '409': json(error), ...errorResponses },
      },
    },
    '/api/books/{bookId}/customers': {
      get: {
        parameters: [bookId, { name: 'includeArchived', in: 'query', schema: { enum: ['1', 'true'] } }], summary: 'All customers of the book',
        responses: {
          '200': {
            ...json({ type: 'object', properties: { customers: { type: 'array', items: { $ref: '#/components/schemas/Customer' } } } }),
            headers: { 'X-Book-State-Vector': { schema: str, description: 'base64 of the Yjs state vector of the document the customers were read from' } },
          },
          ...errorResponses,
        },
      },
      post: { parameters: [bookId], summary: 'Create a customer (editors and owners)', requestBody: json({ $ref: '#/components/schemas/Customer' }), responses: { '201': json({ $ref: '#/components/schemas/Customer' }), ...errorResponses } },
    },
    '/api/books/{bookId}/import': {
      post: {
        parameters: [
          bookId,
          { name: 'format', in: 'query', required: true, schema: { enum: ['csv', 'json', 'xml'] } },
          { name: 'dryRun', in: 'query', schema: { enum: ['1', 'true'] }, description: 'only report, write nothing' },
          { name: 'overwrite', in: 'query', schema: { enum: ['1', 'true'] }, description: 'matches overwrite fields instead of filling empty ones' },
          { name: 'mapping', in: 'query', schema: str, description: 'JSON mapping (source column or path → customer field, transforms); suggested from the headers when absent' },
        ],
        summary: 'Import customers (editors and owners); the file is the body. Accept: application/x-ndjson streams progress lines then the report; Accept: text/csv gives the report as CSV',
        requestBody: { content: { 'text/csv': { schema: str }, 'application/json': { schema: {} }, 'application/x-ndjson': { schema: str }, 'application/xml': { schema: str } } },
        responses: {
          '200': json({
            type: 'object',
            required: ['imported', 'updated', 'unchanged', 'rejected', 'duplicates'],
            properties: {
              imported: { type: 'integer' }, updated: { type: 'integer' }, unchanged: { type: 'integer' },
              rejected: { type: 'array', items: { type: 'object', properties: { row: { type: 'integer' }, field: str, value: {}, reason: str } } },
              duplicates: { type: 'array', items: { type: 'object' } },
            },
          }),
          ...errorResponses,
          '408': { description: 'upload-timed-out: the upload sent nothing for UPLOAD_IDLE_TIMEOUT_MS, or arrived slower than IMPORT_MIN_BYTES_PER_SEC on average (and took longer than REQUEST_BODY_TIMEOUT_MS), and was dropped; nothing written', ...json(error) },
          '507': { description: 'insufficient-storage: no room on the server for the upload\'s temporary copy; nothing written', ...json(error) },
        },
      },
    },
    '/api/books/{bookId}/export': {
      get: {
        parameters: [bookId, { name: 'format', in: 'query', required: true, schema: { enum: ['csv', 'json', 'xml'] } }],
        summary: 'Export every customer of the book (viewers and up), streamed',
        responses: { '200': { description: 'the book in the requested format' }, ...errorResponses },
      },
    },
    '/api/books/{bookId}/customers/{customerId}': {
      get: { parameters: [bookId, customerId], summary: 'One customer', responses: { '200': json({ $ref: '#/components/schemas/Customer' }), '404': json(error), ...errorResponses } },
      patch: {
        parameters: [bookId, customerId], summary: 'Change fields of a customer, merged as a CRDT update attributed to the caller',
        requestBody: json({ $ref: '#/components/schemas/CustomerPatch' }),
        responses: { '200': json({ $ref: '#/components/schemas/Customer' }), '404': json(error), ...errorResponses },
      },
    },
  },
} as const
