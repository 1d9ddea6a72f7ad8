import { randomBytes } from 'node:crypto';
import { execa } from 'execa';

const BCRYPT_SALT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// Lowest cost the registry's Go bcrypt accepts; it checks the password on every request.
const BCRYPT_COST = '05';

// One `user:bcrypt-hash` line for the registry's htpasswd file.
// Node has no bcrypt and `htpasswd` (apache2-utils) is not installed by default, so this
// uses perl's crypt(), which on Debian 12 is libxcrypt and supports `$2b$`: perl-base and
// libcrypt1 are Essential, so nothing has to be installed.
export async function htpasswdLine(user: string, password: string): Promise<string> {
  if (user === '' || user.includes(':')) {
    throw new Error(`htpasswd user ${JSON.stringify(user)} must be non-empty and contain no ':'`);
  }
  const salt = Array.from(randomBytes(22), (byte) => BCRYPT_SALT_ALPHABET[byte % 64]).join('');
  const { stdout } = await execa('perl', ['-e', 'print crypt($ENV{FLOPS_PW}, $ENV{FLOPS_SALT})'], {
    env: { FLOPS_PW: password, FLOPS_SALT: `$2b$${BCRYPT_COST}$${salt}` },
    extendEnv: false,
    timeout: 10_000,
  });
  if (!stdout.startsWith('$2b$')) {
    throw new Error(
      `perl crypt() did not produce a bcrypt hash (got ${JSON.stringify(stdout.slice(0, 8))}); is libcrypt built without bcrypt?`,
    );
  }
  return `${user}:${stdout}\n`;
}
