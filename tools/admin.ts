/**
 * `npm run admin -- <command>`: directories, tokens and OAuth settings, on the running
 * `npm start`, on DynamoDB Local (`--endpoint`) or on a deployed table (`--table`, AWS
 * credentials). `npm run admin -- --help` lists the commands, `<command> --help` (or `-h`) says
 * how to call one. `npm run token` is `admin token mint`.
 */
import { runAdmin } from './admin/commands.ts';

process.exitCode = await runAdmin(
  process.argv.slice(2),
  (line) => console.log(line),
  (line) => console.error(line),
);
