/**
 * The public progress lookup (工单查询): order number + phone → status, dates and progress steps,
 * nothing else (the API shows no content, units or people). No login. A wrong phone and an
 * unknown number give the same "not found" (the server makes sure of it; the page only relays).
 */
import { useState, type FormEvent } from 'react';
import { dateTime } from '../format.js';
import { LangToggle, useI18n, type MessageKey } from '../i18n.js';
import { lookupOrder, type PublicOrder } from './api.js';
import './citizen.css';

type Failure = 'notFound' | 'invalid' | 'rateLimited' | 'error';

export function CitizenLookupPage() {
  const { t, lang } = useI18n();
  const [number, setNumber] = useState('');
  const [phone, setPhone] = useState('');
  const [busy, setBusy] = useState(false);
  const [order, setOrder] = useState<PublicOrder | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setOrder(null);
    setFailure(null);
    const n = number.trim();
    const p = phone.replace(/[\s-]/g, '');
    if (!n || !/^\d{5,20}$/.test(p)) return setFailure('invalid');
    setBusy(true);
    try {
      setOrder(await lookupOrder(n, p));
    } catch (err) {
      const status = (err as { status?: number }).status;
      setFailure(status === 404 ? 'notFound' : status === 400 ? 'invalid' : status === 429 ? 'rateLimited' : 'error');
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
