import type { ReactNode } from 'react';
import type { UserType } from '../types.ts';

interface Props {
  /** Prefix making the checkbox ids unique on the page. */
  idPrefix: string;
  legend: string;
  userTypes: UserType[];
  selected: string[];
  onChange: (selected: string[]) => void;
  disabled?: boolean;
}

/** One checkbox per user type, in a fieldset. */
export function UserTypeCheckboxes({
  idPrefix,
  legend,
  userTypes,
  selected,
  onChange,
  disabled,
}: Props): ReactNode {
  return (
    <fieldset className="checkbox-group" disabled={disabled}>
      <legend>{legend}</legend>
      {userTypes.length === 0 ? <p className="small muted">No user types yet.</p> : null}
      {userTypes.map((type) => {
        const id = `${idPrefix}-${type.id}`;
        return (
          <span key={type.id} className="checkbox-row">
            <input
              id={id}
              type="checkbox"
              checked={selected.includes(type.id)}
              onChange={(event) =>
                onChange(
                  event.target.checked
                    ? [...selected, type.id]
                    : selected.filter((selectedId) => selectedId !== type.id),
                )
              }
            />
            <label htmlFor={id}>{type.name}</label>
          </span>
        );
      })}
    </fieldset>
  );
}
