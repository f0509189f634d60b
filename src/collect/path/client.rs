//! The client's reads: the instance (and the account that owns it), its Systems Manager
//! record and instance profile, the region's Default Host Management Configuration
//! setting and VPC Block Public Access options and exclusions, and — when the client side has credentials of its own —
//! the API side's account, which decides whether the two sides are one scope.

use super::board::{Fact, PathBoard};
use crate::collect::calls::CallError;
use crate::collect::graph::{ask, ask_judged, Decl, Read, Side, Start};
use crate::collect::{ec2, iam, ssm, sts, CollectError};
use privpath_checks::snapshot::{self as m, Source};

pub(super) static READS: &[Read<PathBoard>] = &[
    Read {
        decl: Decl {
            name: "the client instance",
            action: "ec2:DescribeInstances",
            side: Side::Client,
            needs: &[],
            fills: &[Fact::Instance],
            arrays: &[Source::Instances],
        },
        start: |b, c| {
            let (c, id) = (c.clone(), b.want.instance_id.clone());
            ask_judged(async move { ec2::instance(&c, &id).await }, store_instance)
        },
    },
    Read {
        decl: Decl {
            name: "the API side's account (two sides only)",
            action: "sts:GetCallerIdentity",
            side: Side::Api,
            needs: &[],
            fills: &[Fact::ApiAccount],
            arrays: &[],
        },
        start: |b, c| {
            if !b.two_sides {
                return Start::Skip;
            }
            let c = c.clone();
            ask_judged(async move { sts::account(&c).await }, |b, r| {
                match r {
                    Ok(account) => b.api_account = account,
                    Err(e) if e.is_global() => return Err(CollectError::Global(e)),
                    // The account is then taken as unknown; nothing else depends on it.
                    Err(_) => {}
                }
                Ok(())
            })
        },
    },
    Read::derived(
        "whether both sides are one scope",
        &[Fact::Instance, Fact::ApiAccount],
        &[Fact::Sides],
        |_, _| {
            Start::Now(Box::new(|b: &mut PathBoard| {
                // Two sides in one account and region are one scope: the rest is read
                // with the API side's credentials.
                b.one_scope = b.two_sides
                    && b.client_region() == b.api_region()
                    && b.api_account.is_some()
                    && b.api_account == b.client_account;
                Ok(())
            }))
        },
    ),
    Read {
        decl: Decl {
            name: "the instance's Systems Manager record",
            action: "ssm:DescribeInstanceInformation",
            side: Side::Client,
            needs: &[],
            fills: &[Fact::InstanceInformation],
            arrays: &[Source::InstanceInformationList],
        },
        start: |b, c| {
            let (c, id) = (c.clone(), b.want.instance_id.clone());
            ask(
                async move { ssm::instance_information(&c, &id).await },
                |b, v| b.info = Some(v),
            )
        },
    },
    Read {
        decl: Decl {
            name: "Default Host Management Configuration's service setting",
            action: "ssm:GetServiceSetting",
            side: Side::Client,
            needs: &[],
            fills: &[Fact::ServiceSettings],
            arrays: &[Source::ServiceSettings],
        },
        start: |_, c| {
            let c = c.clone();
            ask(async move { ssm::dhmc_setting(&c).await }, |b, v| {
                b.service_settings = Some(v)
            })
        },
    },
    Read {
        decl: Decl {
            name: "the region's VPC Block Public Access options",
            action: "ec2:DescribeVpcBlockPublicAccessOptions",
            side: Side::Client,
            needs: &[],
            fills: &[Fact::BpaOptions],
            arrays: &[Source::VpcBlockPublicAccessOptions],
        },
        start: |_, c| {
            let c = c.clone();
            ask(
                async move { ec2::vpc_block_public_access_options(&c).await },
                |b, v| b.bpa_options = Some(v),
            )
        },
    },
    Read {
        decl: Decl {
            name: "the region's VPC Block Public Access exclusions",
            action: "ec2:DescribeVpcBlockPublicAccessExclusions",
            side: Side::Client,
            needs: &[],
            fills: &[Fact::BpaExclusions],
            arrays: &[Source::VpcBlockPublicAccessExclusions],
        },
        start: |_, c| {
            let c = c.clone();
            ask(
                async move { ec2::vpc_block_public_access_exclusions(&c).await },
                |b, v| b.bpa_exclusions = Some(v),
            )
        },
    },
    Read {
        decl: Decl {
            name: "the instance profile",
            action: "iam:GetInstanceProfile",
            side: Side::Client,
            needs: &[Fact::Instance, Fact::Sides],
            fills: &[Fact::InstanceProfile],
            arrays: &[Source::InstanceProfiles],
        },
        start: |b, c| {
            let name = b
                .instance
                .as_ref()
                .and_then(|i| i.iam_instance_profile.as_ref())
                .and_then(|p| iam::profile_name(&p.arn))
                .map(str::to_string);
            let Some(name) = name else {
                return Start::Now(Box::new(|b: &mut PathBoard| {
                    b.profile = Some(None);
                    Ok(())
                }));
            };
            let c = c.clone();
            ask(
                async move { iam::instance_profile(&c, &name).await },
                |b, p| b.profile = Some(Some(p)),
            )
        },
    },
];

/// The instance must exist and be readable: without it there is no path.
fn store_instance(
    b: &mut PathBoard,
    answer: Result<Option<(m::Instance, Option<String>)>, CallError>,
) -> Result<(), CollectError> {
    match answer {
        Ok(Some((instance, account))) => {
            b.instance = Some(instance);
            b.client_account = account;
            Ok(())
        }
        Ok(None) => Err(CollectError::InstanceNotFound {
            id: b.want.instance_id.clone(),
            region: b.client_region().to_string(),
            hint: if b.two_sides {
                " with the client side's credentials (--client-profile, --client-role-arn)"
            } else {
                "; if it lives in another account or region, name that side with \
                 --client-profile, --client-region or --client-role-arn (and --client-external-id)"
            },
        }),
        Err(e) if e.is_global() => Err(CollectError::Global(e)),
        Err(error) => Err(CollectError::Required {
            what: "the client instance",
            action: "ec2:DescribeInstances",
            error,
        }),
    }
}
