/**
 * A tiny History-API router: enough for a dozen screens without a dependency.
 */
import { useEffect, useState, type MouseEvent, type ReactNode } from 'react';

const EVENT = 'aus:navigate';

/** Goes to another screen of the panel without reloading the page. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(EVENT));
  window.scrollTo(0, 0);
}

/** The current location; re-renders on navigation and on the browser's back/forward. */
export function useLocation(): { pathname: string; search: string } {
  const read = (): { pathname: string; search: string } => ({
    pathname: window.location.pathname,
    search: window.location.search,
  });
  const [location, setLocation] = useState(read);
  useEffect(() => {
    const update = (): void => setLocation(read());
    window.addEventListener('popstate', update);
    window.addEventListener(EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(EVENT, update);
    };
  }, []);
  return location;
}

interface LinkProps {
  to: string;
  children: ReactNode;
  className?: string | undefined;
  'data-testid'?: string | undefined;
  'aria-current'?: 'page' | undefined;
  title?: string | undefined;
}

/** An ordinary link (so middle-click and "open in new tab" work) that navigates in-app. */
export function Link({ to, children, ...rest }: LinkProps): ReactNode {
  const onClick = (event: MouseEvent<HTMLAnchorElement>): void => {
    // Let the browser handle modified clicks (new tab, new window, download).
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}

/** Replaces the current URL after render (navigating during render is not allowed). */
export function Redirect({ to }: { to: string }): ReactNode {
  useEffect(() => {
    navigate(to, { replace: true });
  }, [to]);
  return null;
}
