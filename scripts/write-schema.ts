// `npm run schema`: regenerates docs/schema/*.schema.json (editor completion) from the validator's own definitions.
import { writePlaybookSchema } from '../src/playbook/playbook-schema.js';
import { registryCatalog } from '../src/playbook/registry-catalog.js';

for (const file of await writePlaybookSchema(undefined, registryCatalog)) console.log(`wrote ${file}`);
