/** FIRST's CVSS JSON schemas as shipped (plain JavaScript modules) with @secvisogram/csaf-validator-lib. */
declare module '@secvisogram/csaf-validator-lib/schemas/*.js' {
  const schema: Record<string, unknown>;
  export default schema;
}
