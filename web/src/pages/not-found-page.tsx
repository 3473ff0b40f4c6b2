import type { ReactNode } from 'react';
import { paths } from '../lib/routes.ts';
import { Link } from '../router.tsx';

/** Shown for a panel URL that names no screen. */
export function NotFoundPage(): ReactNode {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is nothing here. Go to the <Link to={paths.integrations()}>integrations</Link>.
      </p>
    </section>
  );
}
