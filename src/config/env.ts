/** The one place that reads process.env; everything else receives a Config. */
export function readEnvironment(): Readonly<Record<string, string | undefined>> {
  return { ...process.env };
}
