// The web UI's API types are generated from the server's OpenAPI document; a route or schema change
// without `npm run gen:api` fails here, so the UI, the spec and the server cannot drift apart.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { generateApiTypes, SCHEMA_FILE } from "../../scripts/api-types.js";

describe("generated web API types", () => {
  it("match the server's current OpenAPI document (run `npm run gen:api` when this fails)", async () => {
    const generated = await generateApiTypes();
    expect(generated).toContain('"/api/optimize"');
    expect(fs.readFileSync(SCHEMA_FILE, "utf8") === generated).toBe(true);
  });
});
