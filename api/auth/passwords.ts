/** Passwords are hashed with argon2id (the `argon2` package: audited native bindings, OWASP's first choice). */
import argon2 from 'argon2';

// A hash of a random password: verifying against it when the email is unknown keeps sign-in
// timing the same for unknown and known accounts.
const DUMMY_HASH = '$argon2id$v=19$m=65536,t=3,p=4$gLffAPs++atu/s1X7R4YzQ$gR6kYNdyCPJ87LB9hjsIAO02MgmDOWQUmtwnkLinMEE';

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  try {
    const ok = await argon2.verify(hash ?? DUMMY_HASH, password);
    return ok && hash !== null;
  } catch {
    return false;
  }
}
