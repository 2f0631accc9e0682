// The Hono environment shared by the emulator's routes: per-request variables set by middleware.
export interface EmulatorEnv {
  Variables: {
    /** HubSpot's `correlationId`, echoed in error bodies and the X-HubSpot-Correlation-Id header. */
    correlationId: string
  }
}
