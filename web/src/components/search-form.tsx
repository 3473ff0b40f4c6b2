import type { FormEvent, ReactNode } from 'react';

/** The "Name or email" search box with its Search button, as lists use it. */
export function SearchForm({
  id,
  label,
  value,
  onChange,
  onSubmit,
}: {
  id: string;
  /** Read by screen readers (the box shows only its placeholder). */
  label: string;
  value: string;
  onChange: (value: string) => void;
  onSubmit: (event: FormEvent) => void;
}): ReactNode {
  return (
    <form className="search" role="search" onSubmit={onSubmit}>
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input
        id={id}
        type="search"
        placeholder="Name or email"
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      <button type="submit">Search</button>
    </form>
  );
}
