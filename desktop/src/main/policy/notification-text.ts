/**
 * Notification text as the OS will show it. Linux notification servers read a subset of HTML in the body
 * (<b>, <a href>, <img>), so there the text is escaped; macOS and Windows show it literally. Both are
 * shortened, since a notification is a hint, not the message.
 */
export function notificationText(text: string, platform: NodeJS.Platform, maxLength: number): string {
  const short = text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
  if (platform !== 'linux') return short;
  return short.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
