/**
 * `npm run admin -- <command>`: directories, tokens and OAuth settings, on the running
 * `npm start`, on DynamoDB Local (`--endpoint`) or on a deployed table (`--table`, AWS
 * credentials). `npm run admin -- help` lists the commands. `npm run token` is `admin token mint`.
 */
// Lambda runs Node 22; locally Node 20 is supported, so the SDK's upgrade reminder is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { runAdmin } = await import('./admin/commands.ts');
process.exitCode = await runAdmin(process.argv.slice(2), (line) => console.log(line));
