// ajv-cli plugin (`-c`): ajv-cli 5 reads YAML with js-yaml 3 (YAML 1.1), which turns an unquoted 2020-05-01 into
// a Date and fails every `type: string` date. Read YAML 1.2's way instead (core schema: dates stay strings).
const yaml = require(require.resolve('js-yaml', { paths: [require.resolve('ajv-cli/package.json')] }));
const safeLoad = yaml.safeLoad;
yaml.safeLoad = (text, opts) => safeLoad(text, { ...opts, schema: yaml.CORE_SCHEMA });
module.exports = () => {};
