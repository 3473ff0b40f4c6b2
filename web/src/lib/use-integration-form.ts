import { useState } from 'react';
import { ApiError, type FieldIssue } from '../api.ts';
import type { Integration } from '../types.ts';
import { splitIssues } from './field-errors.ts';
import {
  emptyForm,
  formFromIntegration,
  SAME_FIELD_MESSAGE,
  validateForm,
  type FormErrors,
  type IntegrationFormState,
} from './integration-form.ts';

const FORM_FIELDS = Object.keys(emptyForm()) as (keyof IntegrationFormState)[];

/** The integration form's state: what is saved, what is typed, and what is wrong with it. */
export interface IntegrationFormModel {
  saved: Integration | null;
  form: IntegrationFormState;
  /** Client checks (shown after the first Save) and the server's, by field. */
  errors: FormErrors;
  /** Client checks of the form as it stands; Save is refused while there are any. */
  clientErrors: FormErrors;
  /** Server issues that name no field of the form. */
  otherIssues: FieldIssue[];
  dirty: boolean;
  replacingSecret: boolean;
  /** "✓ Saved." beside the Save button. */
  savedNote: boolean;
  change: (patch: Partial<IntegrationFormState>) => void;
  setReplacingSecret: (replacing: boolean) => void;
  /** Save was pressed: from now on every client check shows. */
  submit: () => void;
  /** The server's copy after a save or an Enable: the form starts again from it. */
  accept: (integration: Integration, options?: { savedNote?: boolean }) => void;
  /** A failed save: a 400's issues go on their fields; true when there were any. */
  reject: (err: unknown) => boolean;
}

/**
 * The Azure User Sync form's state in one hook, apart from the page's actions: the typed
 * values, the saved integration, and client and server errors.
 */
export function useIntegrationForm(initial: Integration | null): IntegrationFormModel {
  const [saved, setSaved] = useState<Integration | null>(initial);
  const [form, setForm] = useState<IntegrationFormState>(
    initial ? formFromIntegration(initial) : emptyForm(),
  );
  const [replacingSecret, setReplacingSecret] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FormErrors>({});
  const [otherIssues, setOtherIssues] = useState<FieldIssue[]>([]);
  const [savedNote, setSavedNote] = useState(false);

  const secretRequired = !saved?.secretSet || replacingSecret;
  const clientErrors = validateForm(form, secretRequired);
  // The two fields must differ: say so at once, not only after pressing Save.
  const liveErrors: FormErrors = submitted
    ? clientErrors
    : form.unitField === form.userTypeField
      ? { userTypeField: SAME_FIELD_MESSAGE }
      : {};

  return {
    saved,
    form,
    errors: { ...serverErrors, ...liveErrors },
    clientErrors,
    otherIssues,
    dirty: !saved || JSON.stringify(form) !== JSON.stringify(formFromIntegration(saved)),
    replacingSecret,
    savedNote,
    change: (patch) => {
      setForm((current) => ({ ...current, ...patch }));
      setSavedNote(false);
      // A server complaint about a field is stale once that field is edited.
      setServerErrors((current) => {
        const next = { ...current };
        for (const key of Object.keys(patch) as (keyof IntegrationFormState)[]) delete next[key];
        return next;
      });
    },
    setReplacingSecret: (replacing) => {
      setReplacingSecret(replacing);
      if (!replacing) setForm((current) => ({ ...current, secret: '' }));
    },
    submit: () => {
      setSubmitted(true);
      setSavedNote(false);
      setOtherIssues([]);
    },
    accept: (integration, options = {}) => {
      setSaved(integration);
      setForm(formFromIntegration(integration));
      setReplacingSecret(false);
      setSubmitted(false);
      setServerErrors({});
      setSavedNote(options.savedNote ?? false);
    },
    reject: (err) => {
      if (!(err instanceof ApiError && err.status === 400)) return false;
      const { byField, other } = splitIssues(err.issues, FORM_FIELDS);
      setServerErrors(byField);
      setOtherIssues(other);
      return true;
    },
  };
}
