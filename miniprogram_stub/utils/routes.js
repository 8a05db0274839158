// Every API operation the mini-program calls, keyed by the server's OpenAPI operationId. The client calls nothing
// that is not listed here, and a contract test checks each entry (method, path, body) against openapi/openapi.json.
//
// auth: 'none' (never send the token), 'optional' (send it when logged in), 'required' (log in first).
const ROUTES = {
  home_get: { method: 'GET', path: '/api/v1/home', auth: 'optional' },
  dictionary_list: { method: 'GET', path: '/api/v1/dictionaries', auth: 'none' },
  city_list: { method: 'GET', path: '/api/v1/cities', auth: 'none' },
  city_get: { method: 'GET', path: '/api/v1/cities/{city_code}', auth: 'none' },

  policy_list: { method: 'GET', path: '/api/v1/policy/policies', auth: 'optional' },
  policy_get: { method: 'GET', path: '/api/v1/policy/policies/{policy_id}', auth: 'optional' },
  resources_resource_list: { method: 'GET', path: '/api/v1/resources/resources', auth: 'optional' },
  resources_resource_get: { method: 'GET', path: '/api/v1/resources/resources/{resource_id}', auth: 'optional' },
  tech_manager_list: { method: 'GET', path: '/api/v1/tech/managers', auth: 'optional' },
  tech_manager_get: { method: 'GET', path: '/api/v1/tech/managers/{manager_id}', auth: 'optional' },
  tech_alliance_list: { method: 'GET', path: '/api/v1/tech/alliances', auth: 'optional' },
  tech_alliance_get: { method: 'GET', path: '/api/v1/tech/alliances/{alliance_id}', auth: 'optional' },
  finance_fund_list: { method: 'GET', path: '/api/v1/finance/funds', auth: 'optional' },
  finance_fund_get: { method: 'GET', path: '/api/v1/finance/funds/{fund_id}', auth: 'optional' },
  finance_product_list: { method: 'GET', path: '/api/v1/finance/products', auth: 'optional' },
  finance_product_get: { method: 'GET', path: '/api/v1/finance/products/{product_id}', auth: 'optional' },
  finance_financing_need_list: { method: 'GET', path: '/api/v1/finance/financing-needs', auth: 'optional' },
  finance_financing_need_get: { method: 'GET', path: '/api/v1/finance/financing-needs/{need_id}', auth: 'optional' },
  finance_station_list: { method: 'GET', path: '/api/v1/finance/stations', auth: 'optional' },
  finance_station_get: { method: 'GET', path: '/api/v1/finance/stations/{station_id}', auth: 'optional' },
  talent_service_list: { method: 'GET', path: '/api/v1/talent/services', auth: 'optional' },
  talent_service_get: { method: 'GET', path: '/api/v1/talent/services/{service_id}', auth: 'optional' },
  talent_job_list: { method: 'GET', path: '/api/v1/talent/jobs', auth: 'optional' },
  talent_job_get: { method: 'GET', path: '/api/v1/talent/jobs/{job_id}', auth: 'optional' },
  talent_expert_list: { method: 'GET', path: '/api/v1/talent/experts', auth: 'optional' },
  talent_expert_get: { method: 'GET', path: '/api/v1/talent/experts/{expert_id}', auth: 'optional' },
  talent_programme_list: { method: 'GET', path: '/api/v1/talent/programmes', auth: 'optional' },
  talent_programme_get: { method: 'GET', path: '/api/v1/talent/programmes/{programme_id}', auth: 'optional' },
  showcase_achievement_list: { method: 'GET', path: '/api/v1/showcase/achievements', auth: 'optional' },
  showcase_achievement_get: { method: 'GET', path: '/api/v1/showcase/achievements/{achievement_id}', auth: 'optional' },
  showcase_event_list: { method: 'GET', path: '/api/v1/showcase/events', auth: 'optional' },
  showcase_event_get: { method: 'GET', path: '/api/v1/showcase/events/{event_id}', auth: 'optional' },
  cooperation_item_list: { method: 'GET', path: '/api/v1/cooperation/items', auth: 'optional' },
  cooperation_item_get: { method: 'GET', path: '/api/v1/cooperation/items/{item_id}', auth: 'optional' },

  upload_create: { method: 'POST', path: '/api/v1/uploads', auth: 'required', multipart: true },
  upload_get: { method: 'GET', path: '/api/v1/uploads/{upload_id}', auth: 'optional' },
  upload_delete: { method: 'DELETE', path: '/api/v1/uploads/{upload_id}', auth: 'required' },

  search_query: { method: 'GET', path: '/api/v1/search', auth: 'optional' },
  search_map_markers: { method: 'GET', path: '/api/v1/map/markers', auth: 'optional' },

  members_login: { method: 'POST', path: '/api/v1/auth/login', auth: 'none' },
  members_me: { method: 'GET', path: '/api/v1/me', auth: 'required' },
  members_privacy_consent: { method: 'POST', path: '/api/v1/me/privacy-consent', auth: 'required' },
  orgs_register: { method: 'POST', path: '/api/v1/orgs', auth: 'required' },
  orgs_mine: { method: 'GET', path: '/api/v1/orgs/mine', auth: 'required' },
  orgs_select_acting: { method: 'PUT', path: '/api/v1/me/acting-org', auth: 'required' },
  notifications_list: { method: 'GET', path: '/api/v1/me/notifications', auth: 'required' },
  notifications_unread_count: {
    method: 'GET', path: '/api/v1/me/notifications/unread-count', auth: 'required',
  },
  notifications_read: {
    method: 'POST', path: '/api/v1/me/notifications/{notification_id}/read', auth: 'required',
  },
  notifications_wechat_grants: {
    method: 'POST', path: '/api/v1/me/subscriptions/wechat-grants', auth: 'required',
  },

  demands_list: { method: 'GET', path: '/api/v1/demands', auth: 'optional' },
  demands_get: { method: 'GET', path: '/api/v1/demands/{demand_id}', auth: 'optional' },
  demands_mine: { method: 'GET', path: '/api/v1/demands/mine', auth: 'required' },
  demands_create: { method: 'POST', path: '/api/v1/demands', auth: 'required' },
  demands_update: { method: 'PATCH', path: '/api/v1/demands/{demand_id}', auth: 'required' },
  demands_submit: { method: 'POST', path: '/api/v1/demands/{demand_id}/submit', auth: 'required' },
  demands_applications: {
    method: 'GET', path: '/api/v1/demands/{demand_id}/applications', auth: 'required',
  },
  applications_create: {
    method: 'POST', path: '/api/v1/demands/{demand_id}/applications', auth: 'required',
  },
  applications_mine: { method: 'GET', path: '/api/v1/applications/mine', auth: 'required' },
};

module.exports = { ROUTES };
