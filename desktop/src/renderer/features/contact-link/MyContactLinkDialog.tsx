import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useClient } from '../../app/client-context.js';
import type { SurfaceProps } from '../../app/extensions.js';
import { Button } from '../../ui/Button.js';
import './contact-link.css';

/** The link others add this account from, as text to copy and as a QR code to scan. */
export function MyContactLinkDialog(_props: SurfaceProps) {
  const client = useClient();
  const link = client.profile.contactLink();
  const [qr, setQr] = useState<string | undefined>();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(link, { errorCorrectionLevel: 'M', margin: 2, width: 256 }).then(
      (url) => live && setQr(url),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [link]);
  return (
    <div className="contact-link">
      {qr !== undefined && (
        <img className="qr" src={qr} width={256} height={256} alt="QR code of your contact link" />
      )}
      <label htmlFor="my-contact-link">Share this link with people you want to chat with</label>
      <textarea
        id="my-contact-link"
        className="link-text"
        readOnly
        value={link}
        rows={4}
        onFocus={(e) => e.target.select()}
      />
      <Button
        onClick={() =>
          void navigator.clipboard?.writeText(link).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? 'Copied' : 'Copy link'}
      </Button>
    </div>
  );
}
