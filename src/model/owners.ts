/**
 * Who can be named in GitHub's CODEOWNERS: a user (`@name`), a team
 * (`@org/team`) or an e-mail address. GitHub reports any other owner as an
 * error, so owners that are not one of these are left out of the file.
 * https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners
 */

/** The same pattern is in schemas/platform.schema.json (`owners`); a test keeps the two equal. */
export const CODE_OWNER_PATTERN =
  "^(@[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?(?:/[A-Za-z0-9][A-Za-z0-9_-]{0,99})?" +
  "|[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)$";

const CODE_OWNER = new RegExp(CODE_OWNER_PATTERN);

export const isCodeOwner = (owner: string): boolean => owner.length <= 254 && CODE_OWNER.test(owner);
