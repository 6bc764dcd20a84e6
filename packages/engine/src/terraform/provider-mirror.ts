import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

/** Places a machine image or an operator commonly keeps an unpacked provider mirror. */
function candidates(): string[] {
  return [
    process.env.TFO_PROVIDER_MIRROR,
    '/opt/tf-plugins',
    path.join(homedir(), '.terraform.d', 'plugins'),
    path.join(homedir(), '.local', 'share', 'terraform', 'plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
  ].filter((c): c is string => Boolean(c));
}

/** `host/namespace/type` of every provider in a mirror (unpacked or packed layout). */
export function mirroredProviders(mirror: string): string[] {
  const out: string[] = [];
  const dirs = (p: string): string[] => {
    try {
      return readdirSync(p, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      return [];
    }
  };
  for (const host of dirs(mirror)) {
    for (const ns of dirs(path.join(mirror, host))) {
      for (const type of dirs(path.join(mirror, host, ns))) out.push(`${host}/${ns}/${type}`);
    }
  }
  return out.sort();
}

/** The mirror to use: the configured one, else (for `auto`) the first usual place holding providers. */
export function findProviderMirror(setting: string, cwd: string): string | undefined {
  if (setting === 'none') return undefined;
  if (setting !== 'auto') return path.resolve(cwd, setting);
  return candidates().find((c) => existsSync(c) && mirroredProviders(c).length > 0);
}

/**
 * Writes a CLI config that installs the mirrored providers from the mirror and everything else
 * directly, and returns its path for TF_CLI_CONFIG_FILE. An operator's own existing CLI config
 * wins under `auto`.
 */
export async function providerCliConfig(setting: string, cwd: string, stateDir: string): Promise<string | undefined> {
  const own = process.env.TF_CLI_CONFIG_FILE;
  const ownExists = Boolean(own && existsSync(own));
  if (setting === 'auto' && ownExists) return undefined;
  const mirror = findProviderMirror(setting, cwd);
  const file = path.join(stateDir, 'terraform.rc');
  await mkdir(stateDir, { recursive: true });
  if (!mirror) {
    if (!own || ownExists) return undefined;
    // TF_CLI_CONFIG_FILE names a file that does not exist: tofu then prints a warning on stdout,
    // into `show -json`. Point it at an empty config instead.
    await writeFile(file, `# written by tfo: ${own} does not exist\n`);
    return file;
  }
  const providers = mirroredProviders(mirror);
  const list = providers.map((p) => JSON.stringify(p)).join(', ');
  await writeFile(
    file,
    [
      '# written by tfo: providers from the filesystem mirror, the rest as usual',
      'provider_installation {',
      `  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = [${list}]\n  }`,
      `  direct {\n    exclude = [${list}]\n  }`,
      '}',
      '',
    ].join('\n'),
  );
  return file;
}
