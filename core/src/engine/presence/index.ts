// presence/: who is online (subscriptions, visibility sent to the home relay) and typing notices. It only
// talks to relays; the visibility setting itself is account/'s.
export { PresenceService } from './presence-service.js';
