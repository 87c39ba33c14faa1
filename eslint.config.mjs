import tseslint from 'typescript-eslint';

const noEditorImports = {
  'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core and webview/ must not import vscode: put editor code in src/host.' }] }],
};
const noNodeImports = {
  'no-restricted-imports': ['error', {
    paths: [{ name: 'vscode', message: 'webview code runs in the browser: it must not import vscode.' }],
    patterns: [{ group: ['node:*', 'fs', 'path', 'child_process', 'os'], message: 'webview code runs in the browser: no Node modules.' }],
  }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test/e2e/**/*.js', '.tunelab/**'] },
  ...tseslint.configs.recommended,
  { files: ['src/core/**/*.ts', 'src/cli.ts'], rules: noEditorImports },
  { files: ['webview/**/*.ts'], rules: noNodeImports },
  { rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }] } },
);
