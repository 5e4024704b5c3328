// A shop's order policy in plain words.
import type { components } from "../api/schema";
import { t } from "./i18n";

/** What ordering commits to: a booking's cut-off and fees, or a voucher's validity. */
export function policyWords(policy: components["schemas"]["OrderPolicy"], booking: boolean): string[] {
  const en = t("免费取消") !== "免费取消";
  const lines: string[] = [];
  const cutoff = policy.cancel_cutoff_minutes ?? 0;
  const hours = cutoff >= 60 ? `${Math.round(cutoff / 6) / 10} ${en ? "h" : "小时"}` : `${cutoff} ${t("分钟")}`;
  if (policy.requires_acceptance) {
    lines.push(en ? `The shop accepts or declines within ${policy.acceptance_minutes} min; a declined order is refunded in full.`
      : `下单后商家需在 ${policy.acceptance_minutes} 分钟内接单，未接单全额退款。`);
  }
  if (!booking) {
    lines.push(en ? `Vouchers are valid for ${policy.voucher_valid_days ?? 0} days and can be cancelled free until used; unused ones are refunded when they expire.`
      : `代金券购买后 ${policy.voucher_valid_days ?? 0} 天内有效，未使用可随时免费取消，过期自动退款。`);
    return lines;
  }
  lines.push(en ? `Free cancellation up to ${hours} before the time you booked.` : `预约时间前 ${hours} 以前取消免费。`);
  if (policy.late_cancel_fee_percent) {
    lines.push(en ? `Cancelling later costs ${policy.late_cancel_fee_percent}% of the price.`
      : `之后取消收取 ${policy.late_cancel_fee_percent}% 的费用。`);
  }
  if (policy.no_show_fee_percent) {
    lines.push(en ? `Not showing up costs ${policy.no_show_fee_percent}% of the price.`
      : `预约未到店收取 ${policy.no_show_fee_percent}% 的爽约费。`);
  }
  return lines;
}
