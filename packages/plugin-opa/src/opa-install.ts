import { TfoError } from '@tfo/engine';

/** The opa release the first-party bundle is compiled with (its manifest's `opa`); a test keeps them equal. */
export const OPA_VERSION = '1.22.4';

/**
 * How to install opa, on any platform and in GitHub Actions. opa is needed only to compile an
 * organisation's own Rego (and to run `opa test`): the first-party policies ship compiled.
 */
export function opaInstallHint(version = OPA_VERSION): string {
  const release = `https://github.com/open-policy-agent/opa/releases/download/v${version}`;
  return [
    `Install opa ${version} (or set TFO_OPA to the path of an opa binary), any one of:`,
    `  - the release binary for your platform, made executable and put on PATH:`,
    `      ${release}/opa_<os>_<arch>  (opa_linux_amd64_static, opa_linux_arm64_static,`,
    `      opa_darwin_arm64_static, opa_darwin_amd64, opa_windows_amd64.exe)`,
    `  - Homebrew (macOS, Linux): brew install opa`,
    `  - Go: go install github.com/open-policy-agent/opa@v${version}`,
    `  - GitHub Actions: a step \`uses: open-policy-agent/setup-opa@v2\` with \`version: ${version}\``,
  ].join('\n');
}

/** The error of a missing opa binary: what needs it, and how to install it. */
export function opaMissing(binary: string, needs: string, cause?: unknown): TfoError {
  const where = binary === 'opa' ? 'no opa on PATH' : `no opa at ${binary} (TFO_OPA)`;
  return new TfoError(
    'TFO_ERR_OPA_MISSING',
    `${where}: opa is needed to ${needs} (the first-party policies alone run without it, compiled in @tfo/plugin-opa).\n${opaInstallHint()}`,
    { cause },
  );
}

/** True when running `binary` failed because there is no such executable. */
export function isMissingBinary(err: unknown): boolean {
  return (err as { code?: unknown } | undefined)?.code === 'ENOENT';
}
