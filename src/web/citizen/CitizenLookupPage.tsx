/**
 * The public progress lookup (工单查询): order number + phone + lookup code (查询码, told with the
 * number) → status, dates and progress steps, nothing else (the API shows no content, units or
 * people). No login. A wrong phone or code and an unknown number give the same "not found" (the
 * server makes sure of it; the page only relays); too many failures lock the number a while.
 */
import { useState, type FormEvent } from 'react';
import { dateTime } from '../format.js';
import { LangToggle, useI18n, type MessageKey } from '../i18n.js';
import { lookupOrder, type PublicOrder } from './api.js';
import './citizen.css';

type Failure = 'notFound' | 'invalid' | 'rateLimited' | 'locked' | 'error';

export function CitizenLookupPage() {
  const { t, lang } = useI18n();
  const [number, setNumber] = useState('');
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [order, setOrder] = useState<PublicOrder | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setOrder(null);
    setFailure(null);
    const n = number.trim();
    const p = phone.replace(/[\s-]/g, '');
    const c = code.replace(/[\s-]/g, '').toUpperCase();
    if (!n || !/^\d{5,20}$/.test(p) || !/^[0-9A-Z]{6}$/.test(c)) return setFailure('invalid');
    setBusy(true);
    try {
      setOrder(await lookupOrder(n, p, c));
    } catch (err) {
      const { status, code: errorCode } = err as { status?: number; code?: string };
      setFailure(
        status === 404 ? 'notFound' : status === 400 ? 'invalid' : errorCode === 'LOOKUP_LOCKED' ? 'locked' : status === 429 ? 'rateLimited' : 'error',
      );
    } finally {
      setBusy(false);
    }
  };

  const status = (s: string) => t(`citizen.status.${s}` as MessageKey);
  return (
    <main className="citizen" data-testid="citizen-lookup">
      <header className="citizen-head">
        <h1>{t('citizen.title')}</h1>
        <LangToggle />
      </header>
      <form className="citizen-form card" onSubmit={submit} data-testid="lookup-form">
        <p className="muted">{t('citizen.intro')}</p>
        <label>
          {t('citizen.number')}
          <input name="number" value={number} onChange={(e) => setNumber(e.target.value)} autoComplete="off" maxLength={40} />
        </label>
        <label>
          {t('citizen.phone')}
          <input name="phone" value={phone} onChange={(e) => setPhone(e.target.value)} inputMode="numeric" autoComplete="tel" maxLength={24} />
        </label>
        <label>
          {t('citizen.code')}
          <input
            name="code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={10}
            aria-describedby="citizen-code-hint"
          />
          <small id="citizen-code-hint" className="muted">
            {t('citizen.codeHint')}
          </small>
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('citizen.busy') : t('citizen.submit')}
        </button>
        {failure && (
          <p className="error" role="alert" data-testid="lookup-error">
            {t(`citizen.${failure}`)}
          </p>
        )}
      </form>
      {order && (
        <section className="card citizen-result" data-testid="lookup-result">
          <h2>{order.number}</h2>
          <dl>
            <dt>{t('citizen.status')}</dt>
            <dd data-testid="lookup-status" data-status={order.status}>
              {status(order.status)}
            </dd>
            {order.category && (
              <>
                <dt>{t('citizen.category')}</dt>
                <dd>{t(`citizen.category.${order.category}` as MessageKey)}</dd>
              </>
            )}
            <dt>{t('citizen.createdAt')}</dt>
            <dd>{dateTime(order.createdAt, lang)}</dd>
            {order.deadlineAt !== null && (
              <>
                <dt>{t('citizen.deadlineAt')}</dt>
                <dd>{dateTime(order.deadlineAt, lang)}</dd>
              </>
            )}
          </dl>
          <h3>{t('citizen.progress')}</h3>
          <ol className="citizen-steps" data-testid="lookup-progress">
            {order.progress.map((p) => (
              <li key={`${p.status}-${p.at}`} data-status={p.status}>
                <span className="citizen-step">{status(p.status)}</span>
                <time className="muted">{dateTime(p.at, lang)}</time>
              </li>
            ))}
          </ol>
        </section>
      )}
    </main>
  );
}
